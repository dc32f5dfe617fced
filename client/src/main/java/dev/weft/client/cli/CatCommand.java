package dev.weft.client.cli;

import dev.weft.client.SharedDocument;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** {@code weft cat}: prints one document's text exactly as the relay holds it. */
final class CatCommand {
    private final Args args;

    CatCommand(List<String> argv) {
        java.util.Set<String> allowed = new java.util.HashSet<>(RelaySession.DOC_OPTIONS);
        allowed.add("branch");
        this.args = Args.parse(argv, allowed);
    }

    int run(PrintStream out) throws InterruptedException {
        String name = args.required("doc");
        Duration timeout = RelaySession.timeout(args, 30);
        try (RelaySession session = RelaySession.connect(args, timeout)) {
            if (!session.welcome.docNames().contains(name) && RoomTree.isFolder(session)) {
                RoomTree.Namespace ns = RoomTree.Namespace.of(session, args.optional("branch"));
                var file = RoomTree.files(session, ns, timeout).get(name);
                if (file == null) {
                    throw new WeftCli.CliFailure("the shared folder has no file '" + name + "'");
                }
                byte[] bytes = RoomTree.content(session, ns, file, timeout);
                out.write(bytes, 0, bytes.length);
                out.flush();
                return 0;
            }
            if (!session.welcome.docNames().contains(name)) {
                // Asking for it would create it (editor) or be refused (read-only): say so instead.
                throw new WeftCli.CliFailure("room has no document '" + name + "' (it has "
                        + session.welcome.docNames().size() + ": " + abbreviate(session.welcome.docNames()) + ")");
            }
            SharedDocument doc = session.open(name);
            RelaySession.await(doc.firstSync(), timeout, session,
                    "no sync reply for '" + name + "' within " + timeout.toSeconds() + " s");
            String text = RelaySession.await(doc.call(d -> d.getText()), timeout, session, "timeout reading text");
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
            out.flush();
            doc.close();
            return 0;
        }
    }

    private static String abbreviate(List<String> names) {
        String s = String.join(", ", names.subList(0, Math.min(names.size(), 10)));
        return names.size() > 10 ? s + ", …" : s;
    }
}
