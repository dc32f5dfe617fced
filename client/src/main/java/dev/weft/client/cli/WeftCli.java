package dev.weft.client.cli;

import dev.weft.client.invite.MalformedInviteLinkException;
import dev.weft.client.RelayException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of {@code bin/weft}, the headless client: {@code create-room}, {@code cat}, {@code type}, and the
 * folder peer {@code share}, {@code join}, {@code ls}; git by author {@code blame}, {@code stage}, {@code commit}.
 *
 * <p>Exit codes: 0 success; 1 failure (relay unreachable, wrong secret, bad trace, not acknowledged in time), with
 * one line on stderr; 2 usage error.
 */
public final class WeftCli {
    static final String USAGE = """
            usage: weft <command> [options]
              create-room --relay URL
                  create a room; prints {"room": …, "secret": …, "readOnlySecret": …} as one JSON line
              cat  --relay URL --room ID --secret S --doc NAME [--timeout SECONDS]
                  print the document's text exactly (no added newline)
              type --relay URL --room ID --secret S --doc NAME --trace FILE.json[.gz] [--rate N] [--timeout SECONDS]
                  type a sequential trace's patches as local edits (N patches/s; default as fast as possible),
                  survive relay restarts, exit 0 once every edit is acknowledged as durable
              share DIR --relay URL [--branches] [--timeout SECONDS] [--direct]
                  create a room, share every file under DIR (minus .gitignore/.weftignore rules and secrets), print
                  {"room","secret","readOnlySecret","link","readOnlyLink"} once durable, mirror DIR <-> room until
                  SIGINT/SIGTERM. --branches (DIR in a git work tree): peers co-edit live only with peers on the
                  same branch, and follow git checkout/switch (docs/git.md, "Branches")
              join --link LINK DIR [--timeout SECONDS] [--direct]
                  write the room's files into DIR (a different local file is kept as NAME.weft-local), print
                  {"synced":true,"files":N} once in sync, mirror until SIGINT/SIGTERM. A branch-scoped room needs
                  DIR to be a clone of the repository; DIR then syncs the branch it has checked out
              --direct: also link directly (UDP hole punching, QUIC) to members that can be reached; the relay
                  stays the rendezvous and durable copy and carries everything when no link opens
              share DIR --lan [--peer HOST:PORT,…] [--port N] [--bind ADDR] [--discovery on|off]
              join --lan LINK DIR [same options]
                  the same folder peer with no relay: peers on the local network find each other by mDNS (or
                  --peer), authenticate with the room secret and sync directly (LINK is weft://lan?…)
              ls --link LINK [--long] [--branch B]   list the room's paths (of branch B in a branch-scoped room);   ls DIR   what sharing DIR would share and leave out
              blame DIR/FILE     per line: number TAB authors of its uncommitted characters (or -) TAB the line
              stage --mine DIR   put exactly your changes (vs HEAD) into the git index
              commit DIR -m MSG  commit the index with Co-authored-by trailers for the others whose changes it holds
                  (blame/stage/commit use the room of the folder peer running in DIR; docs/git.md)
              share/join/stage/commit accept --name N --email E (default: git config user.name/user.email).
              cat --doc PATH [--branch B] resolves a shared folder's path as well as a document name.
              --link weft://join?… may replace --relay, --room and --secret.
              --relay URL1,URL2,… (nodes of one relay cluster): the first is tried first; a lost or failed connection
              moves to the next.
              --verbose logs the transport to stderr.
            """;

    private WeftCli() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        int code = run(args, out, System.err);
        out.flush();
        System.err.flush();
        // Socket.IO/OkHttp keep non-daemon threads around for a while: exit explicitly.
        System.exit(code);
    }

    /** Runs one command; returns the exit code. Never throws for user errors. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(args);
        boolean verbose = list.contains("--verbose");
        if (verbose) {
            list = list.stream().filter(a -> !a.equals("--verbose")).toList();
        }
        configureLogging(verbose);
        if (list.isEmpty() || list.get(0).equals("--help") || list.get(0).equals("-h")
                || list.get(0).equals("help")) {
            (list.isEmpty() ? err : out).print(USAGE);
            return list.isEmpty() ? 2 : 0;
        }
        String command = list.get(0);
        List<String> rest = list.subList(1, list.size());
        try {
            return switch (command) {
                case "create-room" -> new CreateRoomCommand(rest).run(out);
                case "cat" -> new CatCommand(rest).run(out);
                case "type" -> new TypeCommand(rest).run(err);
                case "share" -> rest.contains("--lan") ? new LanFolderCommand(true, withoutLan(rest)).run(out, err)
                        : new ShareCommand(without(rest, "--direct"), rest.contains("--direct")).run(out, err);
                case "join" -> rest.contains("--lan") ? new LanFolderCommand(false, withoutLan(rest)).run(out, err)
                        : new JoinCommand(without(rest, "--direct"), rest.contains("--direct")).run(out, err);
                case "ls" -> new LsCommand(rest).run(out);
                case "blame", "stage", "commit" -> new GitCommands(command, rest).run(out, err);
                default -> throw new UsageException("unknown command '" + command + "'");
            };
        } catch (UsageException e) {
            err.println("weft: " + e.getMessage() + " (see weft --help)");
            return 2;
        } catch (RelayException | BadTraceException | MalformedInviteLinkException | CliFailure e) {
            err.println("weft " + command + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException | CancellationException e) {
            err.println("weft " + command + ": interrupted");
            return 1;
        } catch (java.io.IOException e) {
            err.println("weft " + command + ": " + e);
            return 1;
        } catch (Exception e) {
            err.println("weft " + command + ": unexpected error: " + e);
            if (verbose) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    private static List<String> withoutLan(List<String> args) {
        return without(args, "--lan");
    }

    private static List<String> without(List<String> args, String flag) {
        return args.stream().filter(a -> !a.equals(flag)).toList();
    }

    private static void configureLogging(boolean verbose) {
        Logger root = Logger.getLogger("");
        root.setLevel(verbose ? Level.FINE : Level.OFF);
        for (var h : root.getHandlers()) {
            h.setLevel(verbose ? Level.FINE : Level.OFF);
        }
    }

    /** A failure the command detected itself (timeout, missing document); its message is the stderr line. */
    static final class CliFailure extends RuntimeException {
        CliFailure(String message) {
            super(message);
        }
    }
}
