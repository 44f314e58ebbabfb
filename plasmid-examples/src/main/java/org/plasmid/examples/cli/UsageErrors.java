package org.plasmid.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MutuallyExclusiveArgsException;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Range;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What is wrong with a command line, said in one line for the user. picocli's own messages are kept where
 * they are clear; these are rephrased: an unknown option (with picocli's suggestion), an option without
 * all its values (which says what the values are, without echoing the ones given: one may be a secret),
 * an option given twice, and options that exclude each other.
 */
final class UsageErrors {
    private UsageErrors() {
    }

    /**
     * @param e what picocli found wrong
     * @param args the command line
     * @return the message, without the program's name
     */
    static String describe(ParameterException e, String[] args) {
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            return unmatched(unmatched);
        }
        if (e instanceof MissingParameterException missing && missing.getMissing() != null
                && missing.getMissing().size() == 1 && missing.getMissing().get(0) instanceof OptionSpec option
                && option.arity().max() > 0) {
            return needs(option);
        }
        if (e instanceof OverwrittenOptionException || e instanceof MaxValuesExceededException
                || e instanceof MutuallyExclusiveArgsException) {
            String conflict = conflict(e.getCommandLine().getCommandSpec(), args);
            if (conflict != null) {
                return conflict;
            }
        }
        return sentenceCase(String.valueOf(e.getMessage()));
    }

    /** picocli's messages start with a capital ("Invalid value..."); ours, after "name: ", do not. */
    private static String sentenceCase(String message) {
        boolean capitalizedWord = message.length() > 1 && Character.isUpperCase(message.charAt(0))
                && Character.isLowerCase(message.charAt(1));
        return capitalizedWord ? message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1) : message;
    }

    private static String unmatched(UnmatchedArgumentException e) {
        String first = e.getUnmatched().get(0);
        if (!e.isUnknownOption()) {
            return "unexpected argument '" + first + "'";
        }
        String name = first.startsWith("--") && first.indexOf('=') > 0 ? first.substring(0, first.indexOf('=')) : first;
        List<String> suggestions = e.getSuggestions();
        return "unknown option '" + name + "'" + (suggestions.isEmpty() ? ""
                : "; did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?");
    }

    private static String needs(OptionSpec option) {
        Range arity = option.arity();
        String count = arity.max() == 1 ? "a value"
                : arity.min() == arity.max() ? arity.min() + " values"
                : arity.isUnspecified() || arity.max() == Integer.MAX_VALUE ? "at least " + arity.min() + " values"
                : arity.min() + " or " + arity.max() + " values";
        return "option " + option.longestName() + " needs " + count + ": " + option.longestName() + " "
                + option.paramLabel();
    }

    /** @return whether the option takes one value each time it is given, any number of times */
    private static boolean repeatable(OptionSpec option) {
        return option.isMultiValue() && option.arity().max() == 1;
    }

    /** @return which option is repeated, or which exclude each other; null if the command line shows neither */
    private static String conflict(CommandSpec spec, String[] args) {
        List<OptionSpec> given = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            String name = arg.startsWith("--") && arg.indexOf('=') > 0 ? arg.substring(0, arg.indexOf('=')) : arg;
            OptionSpec option = name.startsWith("-") ? spec.findOption(name) : null;
            if (option == null) {
                continue;
            }
            if (given.contains(option)) {
                if (repeatable(option)) {
                    continue; // --servlet-option a=1 --servlet-option b=2 is right: look further
                }
                return "option " + option.longestName() + " is given twice";
            }
            given.add(option);
        }
        for (OptionSpec first : given) {
            ArgGroupSpec group = first.group();
            if (group != null && group.exclusive()) {
                for (OptionSpec second : given) {
                    if (second != first && second.group() == group) {
                        return first.longestName() + " and " + second.longestName() + " exclude each other: give one";
                    }
                }
            }
        }
        return null;
    }
}
