package dev.weft.lsp.binding;

import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LineIndexTest {
    @Test
    void crlfCrAndLfAreAllLineBreaks() {
        LineIndex li = new LineIndex("a\r\nbc\rd\ne");
        assertThat(li.lineCount()).isEqualTo(4);
        assertThat(li.offsetOf(new Position(1, 0), PositionEncoding.UTF16)).isEqualTo(3);
        assertThat(li.offsetOf(new Position(2, 0), PositionEncoding.UTF16)).isEqualTo(6);
        assertThat(li.offsetOf(new Position(3, 0), PositionEncoding.UTF16)).isEqualTo(8);
        // a column past the end of a CRLF line stops before the \r
        assertThat(li.offsetOf(new Position(0, 5), PositionEncoding.UTF16)).isEqualTo(1);
        assertThat(li.positionOf(2, PositionEncoding.UTF16)).isEqualTo(new Position(0, 1)); // between \r and \n
    }

    @Test
    void surrogatePairsCountPerEncoding() {
        String s = "x😀y";  // 😀 is U+1F600: 2 UTF-16 units, 4 UTF-8 bytes, 1 code point
        LineIndex li = new LineIndex(s);
        assertThat(li.offsetOf(new Position(0, 3), PositionEncoding.UTF16)).isEqualTo(3);
        assertThat(li.offsetOf(new Position(0, 2), PositionEncoding.UTF32)).isEqualTo(3);
        assertThat(li.offsetOf(new Position(0, 5), PositionEncoding.UTF8)).isEqualTo(3);
        assertThat(li.positionOf(3, PositionEncoding.UTF8)).isEqualTo(new Position(0, 5));
        assertThat(li.positionOf(3, PositionEncoding.UTF32)).isEqualTo(new Position(0, 2));
        // a column inside the pair rounds down to its start: an edit never splits it
        assertThat(li.offsetOf(new Position(0, 2), PositionEncoding.UTF16)).isEqualTo(1);
        assertThat(li.offsetOf(new Position(0, 3), PositionEncoding.UTF8)).isEqualTo(1);
    }

    @Test
    void positionEncodingNegotiationPrefersTheClientsFirstChoice() {
        assertThat(PositionEncoding.negotiate(null)).isEqualTo(PositionEncoding.UTF16);
        assertThat(PositionEncoding.negotiate(List.of("utf-8", "utf-16"))).isEqualTo(PositionEncoding.UTF8);
        assertThat(PositionEncoding.negotiate(List.of("utf-32"))).isEqualTo(PositionEncoding.UTF32);
        assertThat(PositionEncoding.negotiate(List.of("latin-1"))).isEqualTo(PositionEncoding.UTF16);
    }

    @Test
    void offsetPositionRoundTripForRandomTexts() {
        long seed = 42;
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] atoms = {"a", "é", "中", "😀", "\n", "\r\n", "\r", " "};
        for (int t = 0; t < 200; t++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(30);
            for (int i = 0; i < n; i++) {
                sb.append(atoms[rnd.nextInt(atoms.length)]);
            }
            String s = sb.toString();
            LineIndex li = new LineIndex(s);
            for (PositionEncoding e : PositionEncoding.values()) {
                for (int off = 0; off <= s.length(); off++) {
                    boolean inside = off > 0 && off < s.length()
                            && ((Character.isHighSurrogate(s.charAt(off - 1)) && Character.isLowSurrogate(s.charAt(off)))
                            || (s.charAt(off - 1) == '\r' && s.charAt(off) == '\n'));
                    if (inside) {
                        continue;
                    }
                    Position p = li.positionOf(off, e);
                    assertThat(li.offsetOf(p, e)).as("seed %d text %s enc %s off %d", seed, s, e, off).isEqualTo(off);
                }
            }
        }
    }
}
