package org.plasmid.examples.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian's packages ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}),
 * driven by Selenium with both paths given explicitly, so Selenium Manager never looks for (or
 * downloads) a browser or a driver. Each instance is one "device": its own browser process and its own
 * fresh profile directory (IndexedDB, localStorage, service worker), deleted on {@link #quit()}.
 *
 * <p>Missing binaries fail the test with a message saying how to install them: the browser tests are
 * never skipped ({@code .ci/run} installs the packages).
 */
final class Chromium {
    static final Path BROWSER = Path.of(System.getProperty("plasmid.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("plasmid.chromedriver", "/usr/bin/chromedriver"));

    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Starts a browser.
     *
     * @param width window width in CSS pixels
     * @param height window height
     * @param moreArguments further command-line switches, such as a host mapping or a trusted key
     * @return the running browser
     * @throws IllegalStateException if Chromium or its driver is not installed
     */
    static Chromium start(int width, int height, String... moreArguments) throws IOException {
        requireExecutable(BROWSER, "chromium");
        requireExecutable(DRIVER, "chromium-driver");
        // Belt and braces: with the driver's path set, Selenium has nothing to ask Selenium Manager for.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
        Path profile = Files.createTempDirectory("plasmid-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height);
        options.addArguments(moreArguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new Chromium(driver, profile);
    }

    private static void requireExecutable(Path path, String debianPackage) {
        File file = path.toFile();
        if (!file.canExecute()) {
            throw new IllegalStateException("The browser tests need " + path + " (Debian package " + debianPackage
                    + "): run `apt-get install -y chromium chromium-driver` (.ci/run does), or point -Dplasmid."
                    + (debianPackage.equals("chromium") ? "chromium" : "chromedriver") + " at it.");
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Stops the browser and deletes its profile. */
    void quit() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
