package org.plasmid.examples.tools.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.plasmid.examples.client.SyncClient;

/** The torture's audit of a change log against acknowledgements, on hand-made logs. */
class TortureAuditTest {
    private final ArrayNode log = SyncClient.JSON.createArrayNode();
    private final Map<TortureAudit.Batch, TortureAudit.Ack> acks = new HashMap<>();

    /** Adds {@code count} entries of a batch declaring {@code n} objects, at {@code revision}. */
    private void entries(int device, int batch, int n, int count, long revision) {
        for (int i = 0; i < count; i++) {
            log.addArray().add("torture").add(revision).add("d" + device + "-b" + batch + "-" + i)
                    .addObject().put("device", device).put("batch", batch).put("n", n).put("pad", "");
        }
    }

    private void ack(int device, int batch, long revision, int objects) {
        acks.put(new TortureAudit.Batch(device, batch), new TortureAudit.Ack(revision, objects));
    }

    private TortureAudit.Result audit(long head) {
        return TortureAudit.audit(log, head, acks);
    }

    @Test
    void wholeGapFreePushes_allAcknowledged_areClean() {
        entries(0, 1, 3, 3, 2);
        entries(1, 1, 1, 1, 3);
        entries(0, 2, 2, 2, 4);
        ack(0, 1, 2, 3);
        ack(1, 1, 3, 1);
        TortureAudit.Result r = audit(4);
        assertTrue(r.clean(), r.toString());
        assertEquals(6, r.entries());
    }

    @Test
    void anUnacknowledgedPushPresentWhole_isFine() {
        entries(0, 1, 2, 2, 2); // its answer was lost; it landed whole
        assertTrue(audit(2).clean());
    }

    @Test
    void anAcknowledgedPushThatIsMissing_isLost() {
        entries(0, 1, 1, 1, 2);
        ack(0, 1, 2, 1);
        ack(0, 2, 3, 4);
        TortureAudit.Result r = audit(2);
        assertEquals(1, r.lost(), r.toString());
        assertTrue(r.problems().get(0).contains("device 0 batch 2"), r.toString());
    }

    @Test
    void anAcknowledgedPushAtAnotherRevision_orWithFewerObjects_isLost() {
        entries(0, 1, 2, 2, 3);
        entries(1, 1, 2, 2, 2);
        ack(0, 1, 2, 2); // acknowledged as revision 2, found at 3
        ack(1, 1, 2, 3); // acknowledged with 3 objects, 2 found (and declaring 2)
        assertEquals(2, audit(3).lost());
    }

    @Test
    void aPushWithFewerObjectsThanItDeclares_isPartial_evenUnacknowledged() {
        entries(0, 1, 5, 3, 2);
        TortureAudit.Result r = audit(2);
        assertEquals(1, r.partial(), r.toString());
        assertEquals(0, r.lost());
    }

    @Test
    void aPushSpreadOverTwoRevisions_isPartial() {
        entries(0, 1, 2, 1, 2);
        log.addArray().add("torture").add(3).add("d0-b1-1")
                .addObject().put("device", 0).put("batch", 1).put("n", 2);
        assertTrue(audit(3).partial() >= 1);
    }

    @Test
    void aRevisionHoldingTwoPushes_isPartial() {
        entries(0, 1, 1, 1, 2);
        entries(1, 1, 1, 1, 2);
        assertEquals(1, audit(2).partial());
    }

    @Test
    void aRevisionWithNothing_isAGap_andSoIsAnEntryPastTheHead() {
        entries(0, 1, 1, 1, 2);
        entries(0, 2, 1, 1, 4);
        assertEquals(1, audit(4).gaps(), "revision 3 is missing");
        assertEquals(2, audit(3).gaps(), "revision 4 is past head 3, and 3 holds nothing");
    }

    @Test
    void anEntryNoBatchWrote_isCounted() {
        log.addArray().add("torture").add(2).add("stray").add("just a string");
        assertEquals(1, audit(2).partial());
    }
}
