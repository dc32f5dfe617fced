package dev.weft.lsp.workspace;

import dev.weft.relay.testing.RelayProcess;
import dev.weft.lsp.testing.SimulatedEditor;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.FileEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.weft.lsp.workspace.WorkspaceFixtures.editor;
import static dev.weft.lsp.workspace.WorkspaceFixtures.folderPeer;
import static dev.weft.lsp.workspace.WorkspaceFixtures.join;
import static dev.weft.lsp.workspace.WorkspaceFixtures.read;
import static dev.weft.lsp.workspace.WorkspaceFixtures.shareWorkspace;
import static dev.weft.lsp.workspace.WorkspaceFixtures.tree;
import static dev.weft.lsp.workspace.WorkspaceFixtures.uri;
import static dev.weft.lsp.workspace.WorkspaceFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random operations on one shared workspace by two language servers (open, type, save, close, a program
 * changing a closed file, create, rename, delete) and one headless folder peer (disk operations only), against a
 * real relay process. At the end every buffer is saved and closed, and the three folders must be byte-identical and
 * equal to what a fresh folder peer joining the room writes. The operation sequence is fixed by the seed (printed
 * on failure); thread timing is not.
 *
 * <p>Renames and deletes are only done to files no editor has open (see docs/workspace.md "Editors": a file
 * renamed under an open editor is not followed by the editor yet).
 */
class RandomEditorFolderOpsTest {
    private static final long SEED = Long.getLong("weft.workspace.seed", 20261205L);
    private static final int STEPS = Integer.getInteger("weft.workspace.steps", 60);

    @TempDir
    Path tmp;

    @Test
    void twoLanguageServersAndAFolderPeerDoingRandomFileOperationsEndWithIdenticalTrees() throws Exception {
        SplittableRandom rnd = new SplittableRandom(SEED);
        Path[] dirs = {tmp.resolve("alice"), tmp.resolve("bob"), tmp.resolve("carol")};
        for (int i = 0; i < 5; i++) {
            write(dirs[0].resolve(i % 2 == 0 ? "f" + i + ".txt" : "src/f" + i + ".txt"), "file " + i + "\nline two\n");
        }
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("relay"));
             SimulatedEditor alice = editor("alice", tmp.resolve("data-a"), List.of(dirs[0]));
             SimulatedEditor bob = editor("bob", tmp.resolve("data-b"), List.of(dirs[1]))) {
            String link = shareWorkspace(alice, relay.url()).get("inviteLink").getAsString();
            join(bob, link);
            SimulatedEditor[] editors = {alice, bob};
            try (WorkspaceFixtures.FolderPeer carol = folderPeer(link, dirs[2])) {
                List<String> log = new ArrayList<>();
                int created = 0;
                for (int step = 0; step < STEPS; step++) {
                    int actor = rnd.nextInt(3);
                    Path dir = dirs[actor];
                    List<String> files = new ArrayList<>(tree(dir).keySet());
                    Set<String> openAnywhere = openFiles(editors, dirs);
                    String op;
                    int kind = rnd.nextInt(actor < 2 ? 8 : 4);
                    if (kind == 0 || files.isEmpty()) {
                        String name = (rnd.nextBoolean() ? "" : "new/") + "c" + (created++) + "-" + actor + ".txt";
                        write(dir.resolve(name), "created by " + actor + "\n");
                        op = "create " + name;
                        notify(editors, actor, dir.resolve(name), FileChangeType.Created);
                    } else {
                        String f = files.get(rnd.nextInt(files.size()));
                        Path p = dir.resolve(f);
                        boolean openHere = actor < 2 && editors[actor].isOpen(uri(p));
                        switch (kind) {
                            case 1 -> {
                                if (openHere) {
                                    op = "skip outside edit of open " + f;
                                    break;
                                }
                                String t = read(p);
                                if (t == null) {
                                    op = "skip vanished " + f;
                                    break;
                                }
                                write(p, t.replaceFirst("line", "LINE" + step + " "));
                                op = "outside edit " + f;
                            }
                            case 2 -> {
                                if (openAnywhere.contains(f)) {
                                    op = "skip rename of open " + f;
                                    break;
                                }
                                String to = "r" + step + "-" + p.getFileName();
                                Files.move(p, p.resolveSibling(to));
                                op = "rename " + f + " -> " + to;
                                notify(editors, actor, p, FileChangeType.Deleted);
                            }
                            case 3 -> {
                                if (openAnywhere.contains(f) || files.size() < 3) {
                                    op = "skip delete of " + f;
                                    break;
                                }
                                Files.delete(p);
                                op = "delete " + f;
                                notify(editors, actor, p, FileChangeType.Deleted);
                            }
                            case 4, 5 -> {
                                SimulatedEditor e = editors[actor];
                                String u = uri(p);
                                if (!openHere) {
                                    String t = read(p);
                                    if (t == null) {
                                        op = "skip open of vanished " + f;
                                        break;
                                    }
                                    e.open(u, t);
                                    op = "open " + f;
                                } else {
                                    String t = e.text(u);
                                    int at = rnd.nextInt(t.length() + 1);
                                    e.edit(u, at, at, "<" + actor + ":" + step + ">");
                                    op = "type in " + f;
                                }
                            }
                            case 6 -> {
                                if (!openHere) {
                                    op = "skip save of closed " + f;
                                    break;
                                }
                                write(p, editors[actor].text(uri(p)));
                                op = "save " + f;
                            }
                            default -> {
                                if (!openHere) {
                                    op = "skip close of closed " + f;
                                    break;
                                }
                                if (rnd.nextBoolean()) {
                                    write(p, editors[actor].text(uri(p)));
                                }
                                editors[actor].close(uri(p));
                                op = "close " + f;
                            }
                        }
                    }
                    log.add(step + " " + "ABC".charAt(actor) + ": " + op);
                    Thread.sleep(rnd.nextInt(40, 200));
                }
                // Save and close every buffer, then let everything settle.
                for (int i = 0; i < 2; i++) {
                    for (String f : new ArrayList<>(tree(dirs[i]).keySet())) {
                        String u = uri(dirs[i].resolve(f));
                        if (editors[i].isOpen(u)) {
                            write(dirs[i].resolve(f), editors[i].text(u));
                            editors[i].close(u);
                        }
                    }
                }
                String why = "seed " + SEED + ", operations:\n" + String.join("\n", log);
                long deadline = System.currentTimeMillis() + 60_000;
                Map<String, String> a = null;
                Map<String, String> b = null;
                Map<String, String> c = null;
                while (System.currentTimeMillis() < deadline) {
                    a = tree(dirs[0]);
                    b = tree(dirs[1]);
                    c = tree(dirs[2]);
                    if (a.equals(b) && b.equals(c)) {
                        Thread.sleep(1_500); // stable, not just momentarily equal
                        if (a.equals(tree(dirs[0])) && a.equals(tree(dirs[1])) && a.equals(tree(dirs[2]))) {
                            break;
                        }
                    }
                    Thread.sleep(200);
                }
                assertThat(b).as("Bob's tree equals Alice's; " + why).isEqualTo(a);
                assertThat(c).as("the folder peer's tree equals Alice's; " + why).isEqualTo(a);
                try (WorkspaceFixtures.FolderPeer fresh = folderPeer(link, tmp.resolve("fresh"))) {
                    assertThat(tree(tmp.resolve("fresh"))).as("the room's tree (a fresh joiner); " + why)
                            .isEqualTo(a);
                }
                assertThat(a.keySet()).as("files survived the run").isNotEmpty();
            }
        }
    }

    /** Files open in either editor, as root-relative paths. */
    private static Set<String> openFiles(SimulatedEditor[] editors, Path[] dirs) throws IOException {
        Set<String> open = new HashSet<>();
        for (int i = 0; i < editors.length; i++) {
            for (String f : tree(dirs[i]).keySet()) {
                if (editors[i].isOpen(uri(dirs[i].resolve(f)))) {
                    open.add(f);
                }
            }
        }
        return open;
    }

    /** A language server's editor reports its own disk operations, as VS Code's watcher does. */
    private static void notify(SimulatedEditor[] editors, int actor, Path p, FileChangeType type) {
        if (actor < 2) {
            editors[actor].filesChanged(List.of(new FileEvent(uri(p), type)));
        }
    }
}
