/**
 * Starting the bundled Weft language server (java -jar server/weft-server.jar, LSP over stdio). Mirrors the
 * lsp-sample / vscode-xml starters: find the runtime, build the command line, start the LanguageClient.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ApplyWorkspaceEditRequest, LanguageClient, LanguageClientOptions, Middleware, ServerOptions, TextEdit, TransportKind } from 'vscode-languageclient/node';
import { assignColor } from './colors';
import { findJava } from './javaFinder';
import { lanPeersSetting, Transport, transportSetting } from './lanSessions';
import { LatencyTrace } from './latencyTrace';
import { RemoteEditApplier } from './remoteEdits';
import { relayUrlSetting } from './relayUrls';
import { resolveUserName } from './userName';

/** The server's `initializationOptions` (`docs/protocol.md`, "Starting"). */
export interface InitializationOptions {
  userName: string;
  /** E-mail for `Co-authored-by` trailers; absent: the server uses git's `user.email`. */
  userEmail?: string;
  color: string;
  /** One relay URL or `URL1,URL2,…` (nodes of one cluster). */
  relayUrl: string;
  dataDir: string;
  /** The extension sends `weft/selection`, so the server need not claim hover/documentHighlight. */
  reportsSelection: boolean;
  /** The extension draws remote cursors itself, so the server sends no inlay hints or hint diagnostics for them. */
  drawsCursors: boolean;
  /** How Weft: Share reaches a new room: `relay`, `direct` or `lan` (the `weft.transport` setting). */
  transport: Transport;
  /** LAN: the label advertised with a room shared on the LAN; absent: none. */
  lanLabel?: string;
  /** LAN: peers to dial besides those discovered, `host:port,…`. */
  lanPeers?: string;
}

/** Thrown when the server jar is not inside the extension (a broken build). */
export class ServerJarMissingError extends Error {
  constructor(jar: string) {
    super(`The Weft server jar is missing from the extension (${jar}). Rebuild the VSIX with "mvn -pl vscode-extension -am package".`);
    this.name = 'ServerJarMissingError';
  }
}

/** Computes the initialization options from the settings (and git for the default name). */
export async function initializationOptions(context: vscode.ExtensionContext): Promise<InitializationOptions> {
  const cfg = vscode.workspace.getConfiguration('weft');
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const userName = await resolveUserName(cfg.get<string>('userName'), cwd);
  const dataDir = path.join(context.globalStorageUri.fsPath, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const userEmail = (cfg.get<string>('userEmail') ?? '').trim();
  const lanLabel = (cfg.get<string>('lanLabel') ?? '').trim();
  const lanPeers = lanPeersSetting(cfg.get<unknown>('lanPeers'));
  return {
    userName,
    ...(userEmail !== '' ? { userEmail } : {}),
    color: assignColor(cfg.get<string>('color'), userName),
    relayUrl: relayUrlSetting(cfg.get<unknown>('relayUrl')),
    dataDir,
    reportsSelection: true,
    drawsCursors: true,
    transport: transportSetting(cfg.get<unknown>('transport')),
    ...(lanLabel !== '' ? { lanLabel } : {}),
    ...(lanPeers !== undefined ? { lanPeers } : {}),
  };
}

/**
 * Creates and starts the language client.
 *
 * @throws JavaNotFoundError when no Java 17+ is available; ServerJarMissingError when the jar is absent.
 */
export async function startServer(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
): Promise<{ client: LanguageClient; init: InitializationOptions }> {
  const jar = context.asAbsolutePath(path.join('server', 'weft-server.jar'));
  if (!fs.existsSync(jar)) {
    throw new ServerJarMissingError(jar);
  }
  const java = await findJava({
    settingHome: vscode.workspace.getConfiguration('weft.java').get<string>('home'),
    env: process.env,
  });
  const init = await initializationOptions(context);
  output.appendLine(`Starting ${java.executable} (Java ${java.major}, from ${java.source}) -jar ${jar} as ${init.userName} ${init.color}`);
  const serverOptions: ServerOptions = {
    command: java.executable,
    // vscode-languageclient appends --stdio for TransportKind.stdio.
    args: ['-XX:+UseSerialGC', '-Xss4m', '-jar', jar],
    transport: TransportKind.stdio,
    options: { env: { ...process.env, WEFT_EDITOR: 'vscode' } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    initializationOptions: init,
    outputChannel: output,
    // The server also shows remote cursors as inlay hints (‹name›) and hint diagnostics for editors without a
    // Weft plugin; this extension draws real cursor decorations instead, so it hides those duplicates.
    middleware: {
      provideInlayHints: () => [],
      handleDiagnostics: (uri, diagnostics, next) => next(uri, diagnostics.filter((d) => d.source !== 'weft')),
      ...latencyTraceMiddleware(LatencyTrace.fromEnv(process.env)),
    },
  };
  const client = new LanguageClient('weft', 'Weft', serverOptions, clientOptions);
  await client.start();
  // Remote changes arrive as workspace/applyEdit; applied straight into the visible editor where possible.
  installRemoteEditApplier(client);
  return { client, init };
}

/** With a latency trace: stamps each didChange as the middleware gets it and once it is written to the server. */
function latencyTraceMiddleware(trace: LatencyTrace | undefined): Middleware {
  if (trace === undefined) {
    return {};
  }
  process.on('exit', () => trace.flush());
  return {
    didChange: async (event, next) => {
      const uri = event.document.uri.toString();
      const { version } = event.document;
      const length = event.document.getText().length;
      trace.mark('change', uri, length, version);
      await next(event);
      trace.mark('sent', uri, length, version);
    },
  };
}

/**
 * Answers the server's `workspace/applyEdit` with a {@link RemoteEditApplier} instead of the library's handler
 * (docs/vscode.md, "Where the latency goes"): a remote change to a document on screen is applied with
 * `TextEditor.edit`, everything else with `workspace.applyEdit` as before.
 */
function installRemoteEditApplier(client: LanguageClient): void {
  const p2c = client.protocol2CodeConverter;
  const applier = new RemoteEditApplier(
    {
      visibleTextEditors: () => vscode.window.visibleTextEditors.map((editor) => ({
        document: editor.document,
        replaceAll: (edits: readonly TextEdit[]) => editor.edit((b) => edits.forEach((e) => b.replace(p2c.asRange(e.range), e.newText))),
      })),
      textDocuments: () => vscode.workspace.textDocuments,
      applyEdit: (edit) => vscode.workspace.applyEdit(edit),
    },
    {
      asWorkspaceEdit: (edit) => p2c.asWorkspaceEdit(edit),
      asUri: (uri) => p2c.asUri(uri),
    },
    (line) => client.outputChannel.appendLine(line),
  );
  client.onRequest(ApplyWorkspaceEditRequest.type, (params) => applier.handle(params));
}
