package dev.weft.client.paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathRulesTest {
    @TempDir
    Path tmp;

    /** Hostile document names and the rule each one breaks (a fragment of the message). */
    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "/dev/weft/client/paths/hostile-names.csv", delimiter = '|')
    void hostileNamesAreRefused(String name, String why) {
        assertThat(PathRules.nameProblem(name)).isNotNull().contains(why);
        assertThatThrownBy(() -> PathRules.resolve(tmp, name)).isInstanceOf(UnsafeNameException.class)
                .hasMessageContaining(why);
    }

    @Test
    void namesWithInvisibleOrBrokenCharactersAreRefused() {
        refusedFor("", "empty");
        refusedFor("a\nb", "control character U+000A");
        refusedFor("a\u0085b", "control character");
        refusedFor("invoice\u202Etxt.exe", "formatting character U+202E");
        refusedFor("a\uD800b", "unpaired surrogate");
        refusedFor("x".repeat(300), "segment longer than 255 bytes");
        refusedFor("é".repeat(128), "segment longer than 255 bytes"); // 256 bytes
        assertThat(PathRules.nameProblem("é".repeat(127))).isNull(); // 254 bytes
        refusedFor(("d".repeat(200) + "/").repeat(6) + "f", "longer than 1024");
    }

    private static void refusedFor(String name, String why) {
        assertThat(PathRules.nameProblem(name)).as(name).isNotNull().contains(why);
    }

    /** Names that pass the literal rules but become something else on some disk or in a prompt. */
    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "/dev/weft/client/paths/names-that-change-on-disk.csv", delimiter = '|')
    void namesThatBecomeSomethingElseOnSomeDiskAreRefused(String name, String why) {
        assertThat(PathRules.nameProblem(name)).isNotNull().contains(why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"console.txt", "confirm/x", "com10.txt", "auxiliary.md", "a.b.c", ".hidden", "…/x",
            "file.tar.gz"})
    void namesThatOnlyResembleThoseAreAccepted(String name) {
        assertThat(PathRules.nameProblem(name)).isNull();
    }

    /** Build files (they run commands) and hidden files are shown with a caution; ordinary files without. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "Makefile | runs commands", "web/package.json | runs commands", ".github/workflows/ci.yml | runs commands",
            ".mvn/wrapper/maven-wrapper.properties | runs commands", ".prettierrc | hidden",
            "docs/.hidden/x.md | hidden", "src/Main.java | -", "notes.md | -"})
    void buildFilesAndHiddenFilesAreCautionedOrdinaryOnesNot(String name, String caution) {
        if (caution == null) {
            assertThat(PathRules.caution(name)).isNull();
        } else {
            assertThat(PathRules.caution(name)).contains(caution);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"notes.md", "src/Main.java", "a/b/c/d.txt", "😀.txt", ".gitignore",
            ".github/workflows/ci.yml", "config/autostart.txt", "git/config", ".config/nvim/notes.md", "x.envrc"})
    void ordinaryNamesResolveInsideTheBase(String name) throws Exception {
        assertThat(PathRules.nameProblem(name)).isNull();
        Path p = PathRules.resolve(tmp, name);
        assertThat(p.startsWith(tmp.toAbsolutePath().normalize())).isTrue();
        assertThat(tmp.toAbsolutePath().normalize().relativize(p).toString()).isEqualTo(name);
    }

    @Test
    void aFolderThatIsASymbolicLinkOutOfTheBaseIsRefused() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(ws.resolve("link"), outside);
        assertThatThrownBy(() -> PathRules.resolve(ws, "link/evil.txt")).isInstanceOf(UnsafeNameException.class)
                .hasMessageContaining("symbolic link out of");
        assertThatThrownBy(() -> PathRules.resolve(ws, "link/new/deeper.txt")).isInstanceOf(UnsafeNameException.class)
                .hasMessageContaining("symbolic link out of");
    }

    @Test
    void aFileThatIsASymbolicLinkIsRefusedEvenInsideTheBase() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Files.writeString(ws.resolve("real.txt"), "x");
        Files.createSymbolicLink(ws.resolve("alias.txt"), ws.resolve("real.txt"));
        Files.createSymbolicLink(ws.resolve("dangling.txt"), tmp.resolve("nowhere"));
        assertThatThrownBy(() -> PathRules.resolve(ws, "alias.txt")).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> PathRules.resolve(ws, "dangling.txt")).hasMessageContaining("symbolic link");
    }

    @Test
    void aBaseReachedThroughASymbolicLinkStillWorks() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real-ws"));
        Path ws = Files.createSymbolicLink(tmp.resolve("ws"), real);
        Files.createDirectories(real.resolve("src"));
        assertThat(PathRules.resolve(ws, "src/Main.java")).isEqualTo(ws.toAbsolutePath().resolve("src/Main.java"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../../../tmp/x", "..", ".", "a/b", "a b", "", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "room\u0000"})
    void implausibleRoomIdsAreRefused(String id) {
        assertThat(PathRules.roomIdProblem(id)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"k3J9xQ", "room1", "a_b-c", "Zz09"})
    void relayRoomIdsAreAccepted(String id) {
        assertThat(PathRules.roomIdProblem(id)).isNull();
    }
}
