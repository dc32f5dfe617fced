package dev.weft.lsp.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-process LSP pipe keeps working after the thread that wrote last has ended (a typing thread of a scenario
 * round), where {@link PipedInputStream} makes the reader fail — which stopped an editor's LSP4J reader in the middle
 * of {@code VsCodeSamePlaceScenariosTest} (seen as "did not converge within 20 s").
 */
class InProcessPipeTest {

    private static void writeFromAThreadThatEnds(OutputStream out, byte[] data) throws InterruptedException {
        Thread t = new Thread(() -> {
            try {
                out.write(data);
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        t.join();
    }

    @Test
    void pipedInputStreamFailsOnceTheLastWritingThreadHasEnded() throws Exception {
        PipedInputStream in = new PipedInputStream(64);
        PipedOutputStream out = new PipedOutputStream(in);
        writeFromAThreadThatEnds(out, new byte[] {1, 2});
        assertThat(in.read(new byte[2], 0, 2)).isEqualTo(2);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("Write end dead");
    }

    @Test
    void readerKeepsWaitingAfterTheLastWritingThreadHasEnded() throws Exception {
        InProcessPipe pipe = new InProcessPipe(64);
        InputStream in = pipe.in();
        writeFromAThreadThatEnds(pipe.out(), new byte[] {1, 2});
        assertThat(in.read(new byte[2], 0, 2)).isEqualTo(2);
        byte[] next = new byte[3];
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(50);
                pipe.out().write(new byte[] {3, 4, 5});
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        later.start();
        assertThat(in.read(next, 0, 3)).isEqualTo(3); // blocks until the next writer, instead of failing
        assertThat(next).containsExactly(3, 4, 5);
        later.join();
        pipe.out().close();
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void aWriteLargerThanTheBufferWaitsForTheReader() throws Exception {
        InProcessPipe pipe = new InProcessPipe(8);
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        writeLater(pipe, data);
        byte[] got = pipe.in().readNBytes(100);
        assertThat(got).isEqualTo(data);
    }

    private static void writeLater(InProcessPipe pipe, byte[] data) {
        new Thread(() -> {
            try {
                pipe.out().write(data);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).start();
    }
}
