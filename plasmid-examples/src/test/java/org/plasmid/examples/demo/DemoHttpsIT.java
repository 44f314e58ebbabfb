package org.plasmid.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.examples.TestCertificates;

/**
 * The todo demo once over HTTPS, end to end: the real {@code plasmidctl.jar --demo} serving a certificate
 * the test makes (as a PEM pair), opened in two headless Chromium browsers by a name that is not localhost
 * ({@value RunningDemo#HTTPS_HOST}). The browsers trust that certificate's key and nothing else. On such a
 * name only HTTPS makes the page a secure context, and only a secure context gets a service worker: the
 * offline app shell that lets a phone open the list without a network. The rest of the demo's behaviour
 * is {@link DemoBrowserIT}'s, over plain HTTP.
 */
class DemoHttpsIT {
    @TempDir
    Path work;

    @Test
    void onANameThatIsNotLocalhost_aDeviceSignsUp_itsItemSyncsToASecondDevice_andTheServiceWorkerOpensThePageOffline()
            throws Exception {
        try (RunningDemo demo = RunningDemo.overHttps(work, TestCertificates.create(work, RunningDemo.HTTPS_HOST))) {
            DemoPage a = demo.a();
            DemoPage b = demo.b();

            demo.shareNewList(); // A's first visit signs up (guest credentials of its own); B opens the share link
            assertEquals("https://" + RunningDemo.HTTPS_HOST + ":" + demo.root().getPort(),
                    b.script("return location.origin"), "B is on the HTTPS page, by its name");
            assertEquals(Boolean.TRUE, b.script("return window.isSecureContext"), "HTTPS makes the page a secure context");

            a.add("Renew the certificate");
            b.await("A's item", d -> b.titles().contains("Renew the certificate"));
            a.awaitSynced();
            b.awaitSynced();
            assertEquals(demo.serverList(a), b.shown());

            // The service worker registered, activated and took control of the page (sw.js claims its clients).
            b.await("the service worker to control the page",
                    d -> Boolean.TRUE.equals(b.script("return !!navigator.serviceWorker?.controller")));
            assertEquals(demo.root().resolve("sw.js").toString(),
                    b.script("return navigator.serviceWorker.controller.scriptURL"));

            // What it is for: with the network gone, a reload still opens the page (from the worker's cache),
            // with the list from IndexedDB, and an edit made then syncs once the network is back.
            b.goOffline();
            b.add("Pack the charger");
            b.reload();
            b.awaitLoaded();
            b.await("B's list after the offline reload",
                    d -> b.titles().equals(List.of("Renew the certificate", "Pack the charger")));
            assertEquals(1, b.status().pending(), "the offline edit waits to be pushed");

            b.goOnline();
            a.await("B's offline item", d -> a.titles().contains("Pack the charger"));
            a.awaitSynced();
            b.awaitSynced();
            assertEquals(demo.serverList(a), a.shown());
            assertEquals(demo.serverList(a), b.shown());
        }
    }
}
