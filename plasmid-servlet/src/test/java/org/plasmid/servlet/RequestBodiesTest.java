package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Push bodies are parsed without a shared symbol table: a push's keys are new field names in almost
 * every push, and Jackson copied a factory's whole shared table into each parser that added one.
 */
class RequestBodiesTest {
    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static Body push(int n) {
        String json = "{\"last_revision\": 7, \"data\": {\"things\": {\"key-" + n + "\": {\"title\": \"t" + n
                + "\", \"done\": false}}}, \"push_id\": \"p-" + n + "\"}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new Body(bytes, bytes.length);
    }

    @Test
    void thousandsOfPushesEachWithANewKey_allocateAboutTheSameSmallAmountEach() throws Exception {
        RequestBodies bodies = new RequestBodies(PlasmidServletOptions.defaults());
        for (int i = 0; i < 2_000; i++) { // what a shared table would have grown to by now
            assertEquals(1, bodies.push(push(i)).changes().size());
        }
        int pushes = 5_000;
        Body[] prepared = new Body[pushes];
        for (int i = 0; i < pushes; i++) {
            prepared[i] = push(1_000_000 + i);
        }
        long before = allocatedByThisThread();
        for (Body b : prepared) {
            bodies.push(b);
        }
        long perPush = (allocatedByThisThread() - before) / pushes;
        // with the factory's shared table, each push copied it whole: tens to hundreds of KiB
        assertTrue(perPush < 16 * 1024, "a one-object push body allocated " + perPush + " bytes to parse");
    }
}
