package org.plasmid.examples.ctl;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the hub is: the options every run of plasmidctl uses, serving or not. */
final class HubOptions {
    @Option(names = {"-p", "--hub-path"}, paramLabel = "DIR", defaultValue = "hub", converter = Converters.Dir.class,
            description = "hub directory (default: ${DEFAULT-VALUE}, relative to the current directory); serving "
                    + "and --set-secret create it, the other actions need it to exist")
    Path path;
}
