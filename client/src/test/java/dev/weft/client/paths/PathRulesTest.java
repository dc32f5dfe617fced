package dev.weft.client.paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
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
        assertThat(PathRules.nameProblem("")).contains("empty");
        assertThat(PathRules.nameProblem("a\nb")).contains("control character U+000A");
        assertThat(PathRules.nameProblem("a\u0085b")).contains("control character");
        assertThat(PathRules.nameProblem("invoice\u202Etxt.exe")).contains("formatting character U+202E");
        assertThat(PathRules.nameProblem("a\uD800b")).contains("unpaired surrogate");
        assertThat(PathRules.nameProblem("x".repeat(300))).contains("segment longer than 255 bytes");
        assertThat(PathRules.nameProblem("é".repeat(128))).contains("segment longer than 255 bytes"); // 256 bytes
        assertThat(PathRules.nameProblem("é".repeat(127))).isNull(); // 254 bytes
        assertThat(PathRules.nameProblem(("d".repeat(200) + "/").repeat(6) + "f")).contains("longer than 1024");
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

    @Test
    void buildFilesAndHiddenFilesAreCautionedOrdinaryOnesNot() {
        assertThat(PathRules.caution("Makefile")).contains("runs commands");
        assertThat(PathRules.caution("web/package.json")).contains("runs commands");
        assertThat(PathRules.caution(".github/workflows/ci.yml")).contains("runs commands");
        assertThat(PathRules.caution(".mvn/wrapper/maven-wrapper.properties")).contains("runs commands");
        assertThat(PathRules.caution(".prettierrc")).isEqualTo("hidden");
        assertThat(PathRules.caution("docs/.hidden/x.md")).isEqualTo("hidden");
        assertThat(PathRules.caution("src/Main.java")).isNull();
        assertThat(PathRules.caution("notes.md")).isNull();
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
