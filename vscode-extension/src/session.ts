/**
 * The extension's connection to the Weft language server: starts it on first use, forwards commands
 * (`workspace/executeCommand` with the `weft.*` command names of `docs/protocol.md`, "Commands") and republishes the server's notifications as events.
 * Holds no collaboration logic.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient } from 'vscode-languageclient/node';
import { JavaNotFoundError } from './javaFinder';
import { RemoteCursorsParams, SelectionParams, VerifyParams, VerifyResult, WeftStatus, DISCONNECTED, inSession, normalizeStatus } from './protocol';
import { InitializationOptions, startServer } from './server';

/** Thrown by {@link WeftSession.execute} with the server's message, ready to show to the user. */
export class WeftCommandError extends Error {
  constructor(readonly command: string, message: string) {
    super(message);
    this.name = 'WeftCommandError';
  }
}

export class WeftSession implements vscode.Disposable {
  /** The running client, or undefined before the first command; replaced only after a failed start. */
  private client: LanguageClient | undefined;
  /** The in-flight start, shared by concurrent callers. */
  private starting: Promise<LanguageClient> | undefined;
  /** The local user's name and colour as sent to the server; undefined before the first start. */
  self: Pick<InitializationOptions, 'userName' | 'color'> | undefined;
  /** Latest status from the server (`weft/status`); DISCONNECTED until the server reports. */
  private current: WeftStatus = DISCONNECTED;

  private readonly statusEmitter = new vscode.EventEmitter<WeftStatus>();
  private readonly cursorsEmitter = new vscode.EventEmitter<RemoteCursorsParams>();
  /** Fires on every `weft/status` (and after leaving or a server stop). */
  readonly onStatus = this.statusEmitter.event;
  /** Fires on every `weft/remoteCursors`. */
  readonly onRemoteCursors = this.cursorsEmitter.event;

  constructor(private readonly context: vscode.ExtensionContext, readonly output: vscode.OutputChannel) {}

  get status(): WeftStatus {
    return this.current;
  }

  get inSession(): boolean {
    return inSession(this.current);
  }

  /** Whether the server process is running (so notifications may be sent). */
  get running(): boolean {
    return this.client !== undefined && this.client.isRunning();
  }

  /** Starts the server if needed. Rejects with JavaNotFoundError / ServerJarMissingError / start failures. */
  async ensureStarted(): Promise<LanguageClient> {
    if (this.client !== undefined) {
      return this.client;
    }
    if (this.starting === undefined) {
      this.starting = startServer(this.context, this.output).then(
        ({ client: c, init }) => {
          this.client = c;
          this.self = { userName: init.userName, color: init.color };
          c.onNotification('weft/status', (raw: Partial<WeftStatus>) => this.publishStatus(normalizeStatus(raw)));
          c.onNotification('weft/remoteCursors', (p: RemoteCursorsParams) => {
            if (p && typeof p.uri === 'string') {
              this.cursorsEmitter.fire({ uri: p.uri, cursors: Array.isArray(p.cursors) ? p.cursors : [] });
            }
          });
          c.onDidChangeState((e) => {
            if (e.newState === 1 /* Stopped */) {
              this.publishStatus(DISCONNECTED);
            }
          });
          return c;
        },
        (e) => {
          this.starting = undefined;
          throw e;
        },
      );
    }
    return this.starting;
  }

  /**
   * Runs a server command (`weft.share`, `weft.join`, …) and returns its result.
   *
   * @throws WeftCommandError carrying the server's error message (wrong secret, relay unreachable, read-only…).
   */
  async execute<T>(command: string, ...args: unknown[]): Promise<T> {
    const client = await this.ensureStarted();
    try {
      return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
    } catch (e) {
      throw new WeftCommandError(command, (e as Error).message ?? String(e));
    }
  }

  /** Asks the server for its status and publishes it (used after share/join so the UI never lags). */
  async refreshStatus(): Promise<void> {
    const s = await this.execute<Partial<WeftStatus>>('weft.status');
    this.publishStatus(normalizeStatus(s));
  }

  sendSelection(p: SelectionParams): void {
    if (this.running) {
      void this.client!.sendNotification('weft/selection', p).catch((e) => this.output.appendLine(`weft/selection failed: ${e}`));
    }
  }

  async verify(p: VerifyParams): Promise<VerifyResult> {
    return this.client!.sendRequest<VerifyResult>('weft/verify', p);
  }

  /** Publishes a status; also used locally to reset the UI after leaving. */
  publishStatus(s: WeftStatus): void {
    this.current = s;
    this.statusEmitter.fire(s);
  }

  async dispose(): Promise<void> {
    this.statusEmitter.dispose();
    this.cursorsEmitter.dispose();
    const c = this.client;
    this.client = undefined;
    if (c !== undefined) {
      await c.stop().catch(() => undefined);
    }
  }
}

/** Shows an error from starting or calling the server as a notification; never throws. */
export async function showWeftError(e: unknown, session: WeftSession): Promise<void> {
  const err = e as Error;
  if (err instanceof JavaNotFoundError) {
    const choice = await vscode.window.showErrorMessage(err.message, 'Open Settings');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'weft.java.home');
    }
    return;
  }
  const text = err instanceof WeftCommandError ? `Weft: ${err.message}` : `Weft: ${err?.message ?? String(e)}`;
  session.output.appendLine(`[error] ${text}`);
  const choice = await vscode.window.showErrorMessage(text, 'Show Log');
  if (choice === 'Show Log') {
    session.output.show(true);
  }
}
