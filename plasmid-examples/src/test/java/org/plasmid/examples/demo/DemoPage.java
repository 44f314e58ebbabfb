package org.plasmid.examples.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The todo demo page on one device, driven the way a person would: typing, clicking, reading the screen. */
final class DemoPage {
    /** How long a step may take to show up (the sync itself is much faster; this is a ceiling). */
    static final Duration PATIENCE = Duration.ofSeconds(15);

    private final String name;
    private final ChromeDriver driver;

    DemoPage(String name, Chromium browser) {
        this.name = name;
        this.driver = browser.driver();
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens the page and waits until its list is loaded (a new list is created on a first visit). */
    DemoPage open(URI url) {
        driver.get(url.toString());
        return awaitLoaded();
    }

    DemoPage awaitLoaded() {
        await("the list to load", d -> !value("share-link").isEmpty() && !status().online().equals("unknown"));
        return this;
    }

    /** Opens a brand-new list on this device (as "New list" does). */
    DemoPage openNewList(URI url) {
        driver.get(url.toString());
        script("localStorage.removeItem('plasmid-todo.current')");
        return open(url);
    }

    URI shareLink() {
        return URI.create(value("share-link"));
    }

    String databaseName() {
        return (String) script("return document.body.dataset.list");
    }

    /** @return the list's guest credentials as this page keeps them: access, secret, dbname */
    Map<String, String> credentials() {
        @SuppressWarnings("unchecked")
        Map<String, String> list = (Map<String, String>) script(
                "const c = localStorage.getItem('plasmid-todo.current');"
                        + "return JSON.parse(localStorage.getItem('plasmid-todo.lists')).find(l => l.access === c);");
        return list;
    }

    void add(String title) {
        WebElement input = driver.findElement(By.id("new-title"));
        input.sendKeys(title, Keys.ENTER);
        await("'" + title + "' to be listed", d -> titles().contains(title));
    }

    void rename(String from, String to) {
        WebElement item = item(from);
        item.findElement(By.cssSelector(".edit")).click();
        WebElement input = item.findElement(By.cssSelector(".edit-input"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), to, Keys.ENTER);
        await("'" + from + "' to become '" + to + "'", d -> titles().contains(to));
    }

    void toggle(String title) {
        item(title).findElement(By.cssSelector(".toggle")).click();
    }

    void delete(String title) {
        item(title).findElement(By.cssSelector(".delete")).click();
        await("'" + title + "' to be gone", d -> !titles().contains(title));
    }

    WebElement item(String title) {
        for (Map.Entry<String, String> e : shown().entrySet()) {
            if (e.getValue().equals(title) || e.getValue().equals(title + " ✓")) {
                return driver.findElement(By.cssSelector("#todos li.todo[data-key='" + e.getKey() + "']"));
            }
        }
        throw new AssertionError(name + ": no item '" + title + "' in " + titles());
    }

    /** JS: an item's title, also while it is being edited. */
    private static final String TITLE_OF_LI =
            "li => li.querySelector('.title') ? li.querySelector('.title').textContent : li.querySelector('.edit-input').value";

    /** @return the titles on screen, in order (read in one script, so a re-render cannot interleave) */
    @SuppressWarnings("unchecked")
    List<String> titles() {
        return new ArrayList<>((List<String>) script(
                "return [...document.querySelectorAll('#todos li.todo')].map(" + TITLE_OF_LI + ")"));
    }

    /** @return what the screen shows, key to "title" or "title ✓" when checked off, in order */
    @SuppressWarnings("unchecked")
    Map<String, String> shown() {
        List<List<String>> rows = (List<List<String>>) script(
                "return [...document.querySelectorAll('#todos li.todo')].map(li => [li.dataset.key,"
                        + " (" + TITLE_OF_LI + ")(li) + (li.querySelector('.toggle').checked ? ' ✓' : '')])");
        Map<String, String> shown = new LinkedHashMap<>();
        rows.forEach(r -> shown.put(r.get(0), r.get(1)));
        return shown;
    }

    record Status(String online, int pending, long revision, boolean syncing) {
    }

    Status status() {
        WebElement status = driver.findElement(By.id("status"));
        String revision = driver.findElement(By.id("status-revision")).getText();
        return new Status(status.getAttribute("data-online"),
                Integer.parseInt(driver.findElement(By.id("status-pending")).getAttribute("data-count")),
                revision.matches("\\d+") ? Long.parseLong(revision) : -1,
                "true".equals(status.getAttribute("data-syncing")));
    }

    /** Waits until the page is online with nothing pending and not syncing. */
    void awaitSynced() {
        await("everything to be synced", d -> {
            Status s = status();
            return s.online().equals("true") && s.pending() == 0 && !s.syncing();
        });
    }

    /**
     * Cuts this device's network with DevTools network emulation, as a lost connection would: requests
     * fail, {@code navigator.onLine} turns false and the browser fires {@code offline}.
     */
    void goOffline() {
        ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
        offline.setOffline(true);
        driver.setNetworkConditions(offline);
    }

    void goOnline() {
        driver.deleteNetworkConditions();
    }

    void reload() {
        driver.navigate().refresh();
    }

    boolean conflictShown() {
        return driver.findElement(By.id("conflict")).isDisplayed();
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    String value(String id) {
        return driver.findElement(By.id(id)).getDomProperty("value");
    }

    void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    void type(String id, String text) {
        WebElement input = driver.findElement(By.id(id));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), text);
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    void await(String what, Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        await(what, PATIENCE, condition);
    }

    void await(String what, Duration timeout, Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                .withMessage(() -> name + ": waited " + timeout.toSeconds() + " s for " + what + "; screen shows "
                        + shown() + ", status " + status())
                .until(condition::apply);
    }

    Path screenshot(Path directory, String file) throws IOException {
        Files.createDirectories(directory);
        Path target = directory.resolve(file);
        Files.write(target, driver.getScreenshotAs(OutputType.BYTES));
        return target;
    }
}
