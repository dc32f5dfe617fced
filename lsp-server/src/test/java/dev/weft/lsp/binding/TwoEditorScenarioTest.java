package dev.weft.lsp.binding;

import dev.weft.lsp.testing.Session;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared set-up of the in-process scenario tests: simulated editors (LSP4J clients over pipes, each with its own
 * server) in one {@link Session} through an in-memory relay, with the bindings' invariants checked after every step.
 * The session is closed after each test.
 */
abstract class TwoEditorScenarioTest {
    @TempDir
    Path tmp;
    /** The running test's session; null until the test (or {@link #startPair}) creates it. */
    Session s;

    @BeforeAll
    static void paranoid() {
        System.setProperty("weft.checkInvariants", "true");
    }

    @AfterEach
    void closeSession() {
        if (s != null) {
            s.close();
        }
    }

    /**
     * Editor 0 ({@code first}) shares {@code doc.txt} holding {@code text}; editor 1 ({@code second}), after
     * {@code configureSecond} ran on it, joins. Returns once both show the same text.
     */
    Session startPair(Ordering first, Ordering second, String text, Consumer<SimulatedEditor> configureSecond)
            throws Exception {
        s = new Session(tmp);
        s.addEditor(first, null);
        s.addEditor(second, null);
        configureSecond.accept(ed(1));
        s.share("doc.txt", text);
        s.join(1);
        s.awaitConverged(10_000);
        return s;
    }

    SimulatedEditor ed(int i) {
        return s.editors.get(i);
    }

    String uri(int i) {
        return s.uris.get(i);
    }

    /** How many times editor {@code i}'s binding repaired its buffer from the replica (weft/verify). */
    int repairs(int i) throws Exception {
        DocumentBinding b = s.binding(i);
        return b.call(b::repairs).get(10, TimeUnit.SECONDS);
    }

    /**
     * A hook for editor 1 ({@code beforeApply}, {@code afterApply}, {@code afterVersionCheck},
     * {@code betweenEchoParts}): editor 1's user replaces {@code [start, end)} with {@code text} the first time the
     * hook runs; later runs do nothing. One keystroke at a chosen moment of an edit's delivery.
     */
    <T> Keystroke<T> keystroke(int start, int end, String text) {
        return new Keystroke<>(start, end, text);
    }

    /** See {@link #keystroke}. */
    final class Keystroke<T> implements Consumer<T> {
        private final int start;
        private final int end;
        private final String text;
        /** Whether the user has typed it (it is typed at most once). */
        private final AtomicBoolean typed = new AtomicBoolean();

        Keystroke(int start, int end, String text) {
            this.start = start;
            this.end = end;
            this.text = text;
        }

        @Override
        public void accept(T ignored) {
            if (typed.compareAndSet(false, true)) {
                ed(1).edit(uri(1), start, end, text);
            }
        }

        /** True once the keystroke was typed. */
        boolean typed() {
            return typed.get();
        }
    }
}
