package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver (packages chromium and chromium-driver; .ci/run installs
 * them): no browser or driver is downloaded. Screenshots go to {@code target/screenshots/<name>.png}, the whole page.
 */
final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Dimension DESKTOP = new Dimension(1280, 800);

    final ChromeDriver driver;
    private final WebDriverWait wait;
    private final Path profile;

    Browser() {
        try {
            profile = Files.createTempDirectory("moat-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("it.chromium", "/usr/bin/chromium"));
        // as root, in a closed network: no sandbox, no background connections to Google's hosts
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1280,800", "--lang=en-US");
        options.setAcceptInsecureCerts(true); // the gateway's self-signed digital ID over HTTPS
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("it.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(DESKTOP);
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class); // a page being replaced while it is read
    }

    void open(String url) {
        driver.get(url);
    }

    String url() {
        return driver.getCurrentUrl();
    }

    WebElement element(String id) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
    }

    boolean has(String id) {
        return !driver.findElements(By.id(id)).isEmpty();
    }

    String text(String id) {
        return element(id).getText();
    }

    void type(String id, String text) {
        WebElement field = element(id);
        field.clear();
        field.sendKeys(text);
    }

    void click(String id) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    /**
     * Waits until the page shows {@code text} somewhere (e.g. after a Faces Ajax request has been answered). A page
     * replaced while its text is read (a navigation under way) has not shown it yet.
     */
    void waitForText(String text) {
        wait.withMessage(() -> "the page never showed '" + text + "'; it shows: " + body())
                .until(d -> {
                    try {
                        return body().contains(text);
                    } catch (WebDriverException e) {
                        if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                            return false; // chromedriver's word for a body element of the page just left
                        }
                        throw e;
                    }
                });
    }

    void waitForUrl(String prefix) {
        wait.withMessage(() -> "never at " + prefix + "; at " + url()).until(d -> url().startsWith(prefix));
    }

    String body() {
        return driver.findElement(By.tagName("body")).getText();
    }

    Object script(String javaScript) {
        return ((JavascriptExecutor) driver).executeScript(javaScript);
    }

    /** Inputs, selects and text areas that have neither a label nor an ARIA name: an accessibility defect. */
    @SuppressWarnings("unchecked")
    List<String> unlabelledFields() {
        return (List<String>) script("return [...document.querySelectorAll('input:not([type=hidden]):not([type=submit])"
                + ":not([type=button]),select,textarea')].filter(e => (!e.labels || e.labels.length === 0)"
                + " && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))"
                + ".map(e => e.id || e.name);");
    }

    /**
     * The elements that stick out of the window on the right (a narrow window would need sideways scrolling), as
     * {@code tag#id.class}; empty when the page fits. Content of scrolling boxes (wide tables) does not count.
     */
    @SuppressWarnings("unchecked")
    List<String> sticksOutSideways() {
        return (List<String>) script("const w = document.documentElement.clientWidth;"
                + " if (document.documentElement.scrollWidth <= w + 1) return [];"
                + " return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1"
                + " && !e.closest('.table-wrap > *')).slice(0, 10)"
                + ".map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));");
    }

    /** Saves the whole page (the window grown to the page's height) as target/screenshots/{@code name}.png. */
    Path screenshot(String name) {
        Dimension size = driver.manage().window().getSize();
        script("window.scrollTo(0, 0);");
        long height = (Long) script("return Math.ceil(document.documentElement.scrollHeight);");
        driver.manage().window().setSize(new Dimension(size.getWidth(), (int) Math.max(size.getHeight(),
                Math.min(height + 120, 4000))));
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(target)).isPositive();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(size);
        }
    }

    /** Steps in this browser; if one fails, the page it failed on is saved as failed-{@code name}.png. */
    void steps(String name, Steps steps) throws Exception {
        try {
            steps.run();
        } catch (Exception | AssertionError e) {
            try {
                screenshot("failed-" + name);
            } catch (RuntimeException screenshotFailed) {
                e.addSuppressed(screenshotFailed);
            }
            throw e;
        }
    }

    /** Test steps that may throw. */
    interface Steps {
        void run() throws Exception;
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary profile left behind is harmless
        }
    }
}
