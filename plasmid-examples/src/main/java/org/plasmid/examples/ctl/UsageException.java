package org.plasmid.examples.ctl;

/** The command line is wrong: the message says how; plasmidctl prints it and exits with code 2. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
