package org.plasmid.examples.cli;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code --version}: the command's name and the version in the manifest of the jar it runs from
 * ({@code Implementation-Version}, which the build writes into {@code plasmidctl.jar}), and the Java it
 * runs on.
 */
public final class ManifestVersion implements IVersionProvider {
    @Spec
    CommandSpec spec;

    @Override
    public String[] getVersion() {
        String version = spec.userObject().getClass().getPackage().getImplementationVersion();
        return new String[] {
            spec.name() + " " + (version != null ? version : "(development build, not run from plasmidctl.jar)"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
