package dev.weft.client.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the real {@code git} CLI for tests (skipped if git is absent, failed on CI). */
final class GitRepos {
    private GitRepos() {
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=weft-test", "-c",
                "user.email=test@weft.invalid", "-c", "init.defaultBranch=main"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            Assumptions.abort("git is not installed: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    /** A 1×1 PNG (binary: NUL bytes, invalid UTF-8). */
    static byte[] png() {
        return java.util.Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    }

    /**
     * A repository with nested .gitignore files, .git/info/exclude, a .weftignore, secrets, a PNG, CRLF and emoji
     * files; committed.
     */
    static void makeSampleRepo(Path dir, Path userExcludes) throws IOException, InterruptedException {
        java.nio.file.Files.createDirectories(dir);
        git(dir, "init", "-q");
        Trees.write(dir, ".gitignore", "*.log\nbuild/\n!keep.log\n/root-only.txt\n");
        Trees.write(dir, "src/.gitignore", "generated/\n*.tmp\n!important.tmp\n");
        Trees.write(dir, "src/Main.java", "class Main {}\n");
        Trees.write(dir, "src/generated/Gen.java", "// generated\n");
        Trees.write(dir, "src/scratch.tmp", "tmp\n");
        Trees.write(dir, "src/important.tmp", "keep me\n");
        Trees.write(dir, "src/deep/root-only.txt", "not at root, so shared\n");
        Trees.write(dir, "root-only.txt", "ignored at root\n");
        Trees.write(dir, "debug.log", "log\n");
        Trees.write(dir, "keep.log", "negated: shared\n");
        Trees.write(dir, "build/out.bin", "out\n");
        Trees.write(dir, "local-notes.md", "excluded by .git/info/exclude\n");
        Trees.write(dir, ".git/info/exclude", "local-notes.md\n");
        Trees.write(dir, "editor.swp", "excluded by core.excludesFile\n");
        java.nio.file.Files.writeString(userExcludes, "*.swp\n");
        Trees.write(dir, ".weftignore", "private/\n");
        Trees.write(dir, "private/diary.md", "weftignored\n");
        Trees.write(dir, ".env", "SECRET=1\n");
        Trees.write(dir, ".env.local", "SECRET=2\n");
        Trees.write(dir, "certs/server.pem", "-----BEGIN\n");
        Trees.write(dir, "certs/server.key", "-----BEGIN\n");
        Trees.write(dir, "id_ed25519", "key\n");
        Trees.write(dir, "docs/crlf.txt", "line one\r\nline two\r\n");
        Trees.write(dir, "docs/emoji 😀.md", "smile 😀 café\n");
        java.nio.file.Files.write(dir.resolve("docs/figure.png"), png());
        git(dir, "-c", "core.excludesFile=" + userExcludes, "add", "-A");
        git(dir, "commit", "-q", "-m", "sample");
    }
}
