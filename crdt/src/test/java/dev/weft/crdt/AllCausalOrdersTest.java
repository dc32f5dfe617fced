package dev.weft.crdt;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.VersionVector;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.sim.Shadow;
import dev.weft.crdt.sim.TextGen;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Exhaustive delivery orders for small cases: three replicas share a base text, each makes one or two edits
 * concurrently (inserts, deletes of overlapping ranges, a selective undo; sometimes after seeing one of the
 * others' edits), and every permutation of the resulting updates — base included, plus a duplicate of one of
 * them — is delivered into a fresh replica. Every order must give the same text and version as the reference,
 * the change events must rebuild the text, and nothing may stay pending.
 */
class AllCausalOrdersTest {
    static final int SCENARIOS = Integer.getInteger("weft.orders.scenarios", 40);

    @Test
    void everyDeliveryOrderOfConcurrentEditsConverges() {
        for (long seed = 1; seed <= SCENARIOS; seed++) {
            runScenario(seed);
        }
    }

    @Test
    @org.junit.jupiter.api.Tag("slow")
    void everyDeliveryOrderOfConcurrentEditsConvergesForever() {
        int scenarios = Integer.getInteger("weft.orders.forever.scenarios", 1000);
        for (long seed = 10_000; seed < 10_000 + scenarios; seed++) {
            runScenario(seed);
        }
    }

    @Test
    void everyOrderOfTwoConcurrentInsertsAndAnOverlappingDeleteConverges() {
        TextDocument a = new TextDocument(1);
        TextDocument b = new TextDocument(2);
        TextDocument c = new TextDocument(3);
        byte[] base = a.insert(0, "hello world").update();
        b.applyUpdate(base);
        c.applyUpdate(base);
        List<byte[]> updates = new ArrayList<>(List.of(base,
            a.insert(5, ",").update(),
            b.delete(3, 5).update(),
            c.delete(4, 4).update(),
            c.insert(7, "😀").update(),
            b.insert(0, "¡").update()));
        TextDocument reference = new TextDocument(9);
        for (byte[] u : updates) {
            reference.applyUpdate(u);
        }
        assertThat(reference.getText()).isEqualTo("¡hel,rld😀");
        assertEveryOrderGives(updates, reference.getText(), reference.version(), "fixed");
    }

    private static void runScenario(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TextDocument[] r = new TextDocument[3];
        for (int i = 0; i < 3; i++) {
            r[i] = new TextDocument(rnd.nextLong(1L << 53));
        }
        List<byte[]> updates = new ArrayList<>();
        byte[] base = r[0].insert(0, TextGen.text(rnd, 3 + rnd.nextInt(5))).update();
        updates.add(base);
        r[1].applyUpdate(base);
        r[2].applyUpdate(base);
        // First round: one concurrent edit each.
        List<List<LocalEdit>> own = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            own.add(new ArrayList<>());
            LocalEdit e = randomEdit(rnd, r[i], own.get(i));
            if (e != null) {
                updates.add(e.update());
                own.get(i).add(e);
            }
        }
        // Second round: some replicas see one other's first edit, then edit again.
        int firstRoundEnd = updates.size();
        for (int i = 0; i < 3 && updates.size() < 7; i++) {
            if (rnd.nextBoolean()) {
                continue;
            }
            if (firstRoundEnd > 1 && rnd.nextBoolean()) {
                r[i].applyUpdate(updates.get(1 + rnd.nextInt(firstRoundEnd - 1)));
            }
            LocalEdit e = randomEdit(rnd, r[i], own.get(i));
            if (e != null) {
                updates.add(e.update());
                own.get(i).add(e);
            }
        }
        TextDocument reference = new TextDocument(rnd.nextLong(1L << 53));
        for (byte[] u : updates) {
            reference.applyUpdate(u);
        }
        reference.checkInvariants();
        assertThat(reference.hasPendingUpdates()).as("seed=%d reference pending", seed).isFalse();
        assertEveryOrderGives(updates, reference.getText(), reference.version(), "seed=" + seed);
    }

    private static LocalEdit randomEdit(SplittableRandom rnd, TextDocument d, List<LocalEdit> own) {
        String t = d.getText();
        int k = rnd.nextInt(10);
        if (k < 5 || t.isEmpty()) {
            return d.insert(TextGen.position(rnd, t), TextGen.text(rnd, 1 + rnd.nextInt(3)));
        }
        if (k < 9 || own.isEmpty()) {
            int pos = TextGen.position(rnd, t);
            int end = TextGen.snap(t, pos + 1 + rnd.nextInt(4));
            return end > pos ? d.delete(pos, end - pos) : null;
        }
        LocalEdit past = own.get(rnd.nextInt(own.size()));
        return past.inserted().isEmpty() ? null : d.deleteIds(past.inserted());
    }

    /** Delivers every permutation of {@code updates} (plus one duplicate each) and compares with the reference. */
    static void assertEveryOrderGives(List<byte[]> updates, String text, VersionVector version, String what) {
        int n = updates.size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        int count = 0;
        do {
            count++;
            TextDocument fresh = new TextDocument(777);
            Shadow shadow = new Shadow();
            int dupAt = count % n;
            for (int i = 0; i < n; i++) {
                VersionVector before = fresh.version();
                shadow.apply(fresh.applyUpdate(updates.get(perm[i])));
                if (i == dupAt) {
                    shadow.apply(fresh.applyUpdate(updates.get(perm[count % (i + 1)])));
                }
                assertThat(fresh.version().covers(before)).as("%s order %s: version regressed", what,
                    java.util.Arrays.toString(perm)).isTrue();
            }
            fresh.checkInvariants();
            String order = java.util.Arrays.toString(perm);
            assertThat(fresh.hasPendingUpdates()).as("%s order %s: pending", what, order).isFalse();
            assertThat(fresh.getText()).as("%s order %s: text", what, order).isEqualTo(text);
            assertThat(shadow.text()).as("%s order %s: change events", what, order).isEqualTo(text);
            assertThat(fresh.version().asMap()).as("%s order %s: version", what, order).isEqualTo(version.asMap());
        } while (nextPermutation(perm));
    }

    private static boolean nextPermutation(int[] a) {
        int i = a.length - 2;
        while (i >= 0 && a[i] >= a[i + 1]) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        int j = a.length - 1;
        while (a[j] <= a[i]) {
            j--;
        }
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
        for (int l = i + 1, r = a.length - 1; l < r; l++, r--) {
            t = a[l];
            a[l] = a[r];
            a[r] = t;
        }
        return true;
    }
}
