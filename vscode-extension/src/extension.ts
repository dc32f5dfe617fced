/**
 * Weft for VS Code: wires the UI pieces to the language server session. The server (bundled jar) does all
 * collaboration work; this extension only renders what it reports and forwards commands.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { BlameView } from './blameView';
import { JoinUriHandler, registerCommands } from './commands';
import { FollowController } from './follow';
import { ParticipantsView } from './participantsView';
import { inSession, WeftStatus } from './protocol';
import { ReadOnlyEditors } from './readOnlyEditors';
import { RemoteCursorRenderer } from './remoteCursors';
import { SelectionSync } from './selectionSync';
import { WeftSession } from './session';
import { WeftStatusBar } from './statusBar';
import { Verifier } from './verifier';

let session: WeftSession | undefined;
/** Secret-storage key of the LAN links remembered for "Weft: Join LAN Session…". */
const LAN_LINKS_KEY = 'weft.lanLinks';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Weft');
  session = new WeftSession(context, output);
  const cursors = new RemoteCursorRenderer();
  const follow = new FollowController();
  const selections = new SelectionSync(session);
  const verifier = new Verifier(session);
  const statusBar = new WeftStatusBar();
  const participants = new ParticipantsView(path.join(context.globalStorageUri.fsPath, 'icons'));
  const readOnly = new ReadOnlyEditors(output);
  const blame = new BlameView(session);
  const lanLinks = {
    get: async (): Promise<string[]> => {
      const raw = await context.secrets.get(LAN_LINKS_KEY);
      try {
        const v = raw === undefined ? [] : JSON.parse(raw);
        return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
      } catch {
        return [];
      }
    },
    set: async (links: string[]): Promise<void> => context.secrets.store(LAN_LINKS_KEY, JSON.stringify(links)),
  };
  const deps = { session, follow, cursors, selections, readOnly, blame, lanLinks };

  const s = session;
  let wasInSession = false;
  const onStatus = (st: WeftStatus) => {
    const now = inSession(st);
    statusBar.show(st);
    participants.update(st, follow.following, s.self);
    cursors.retainParticipants(new Set(st.participants.map((p) => String(p.clientId))));
    verifier.setActive(now);
    blame.setActive(now);
    void vscode.commands.executeCommand('setContext', 'weft.inSession', now);
    void vscode.commands.executeCommand('setContext', 'weft.paused', now && st.paused);
    if (wasInSession && !now) {
      cursors.clear();
      void follow.stop();
      void readOnly.release();
    }
    wasInSession = now;
    void follow.onStatus(st);
  };

  context.subscriptions.push(
    output,
    session,
    cursors,
    follow,
    selections,
    verifier,
    readOnly,
    blame,
    statusBar,
    participants,
    vscode.window.registerTreeDataProvider('weft.participants', participants),
    vscode.window.registerUriHandler(new JoinUriHandler(deps)),
    session.onStatus(onStatus),
    session.onRemoteCursors((p) => {
      cursors.update(p);
      void follow.onRemoteCursors(p);
    }),
    follow.onDidChange(() => participants.update(s.status, follow.following, s.self)),
    ...registerCommands(deps),
  );
  onStatus(session.status);
}

export async function deactivate(): Promise<void> {
  await session?.dispose();
  session = undefined;
}
