/**
 * The UI commands (palette, views, status bar, URI handler). Each one collects input, calls the server's
 * `weft.*` command and shows the result; the server does the work.
 */
import * as vscode from 'vscode';
import { CommitResult, commitSummary, StageResult, stageSummary } from './blame';
import { BlameView } from './blameView';
import { FollowController } from './follow';
import { formatInviteLink, InviteLink, parseInviteLink, parseJoinUri } from './inviteLink';
import { isLanLink, lanJoinArgs, LanSession, LanSessionItem, lanSessionItems, parseLanLink, rememberLanLink, transportSetting } from './lanSessions';
import { isReadOnly, JoinResult, ShareResult, WorkspaceShareResult } from './protocol';
import { ReadOnlyEditors } from './readOnlyEditors';
import { relayUrlSetting } from './relayUrls';
import { RemoteCursorRenderer } from './remoteCursors';
import { SelectionSync } from './selectionSync';
import { showWeftError, WeftSession } from './session';
import { shareWorkspaceArgs } from './branchScope';

export interface CommandDeps {
  session: WeftSession;
  follow: FollowController;
  cursors: RemoteCursorRenderer;
  selections: SelectionSync;
  readOnly: ReadOnlyEditors;
  blame: BlameView;
  /** The LAN links this user shared or joined (for the "Join LAN Session…" picker); kept in secret storage. */
  lanLinks: LanLinkStore;
}

/** Where LAN links are remembered: VS Code's secret storage (they carry the room secret). */
export interface LanLinkStore {
  get(): Promise<string[]>;
  set(links: string[]): Promise<void>;
}

/** Remembers `link` for the LAN picker when it is a LAN link; never fails the command it belongs to. */
async function rememberIfLan(d: CommandDeps, link: string | undefined): Promise<void> {
  if (link === undefined || !isLanLink(link)) {
    return;
  }
  try {
    await d.lanLinks.set(rememberLanLink(await d.lanLinks.get(), link));
  } catch (e) {
    d.session.output.appendLine(`Could not remember the LAN link: ${(e as Error).message}`);
  }
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const guarded = (id: string, fn: (...args: any[]) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (...args: any[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        await showWeftError(e, d.session);
        return undefined;
      }
    });
  return [
    guarded('weft.ui.share', () => share(d)),
    guarded('weft.ui.shareWorkspace', () => shareWorkspace(d)),
    guarded('weft.ui.join', (link?: string) => join(d, link)),
    guarded('weft.ui.joinLan', () => joinLan(d)),
    guarded('weft.ui.leave', () => leave(d)),
    guarded('weft.ui.copyInviteLink', () => copyInvite(d, false)),
    guarded('weft.ui.copyReadOnlyInviteLink', () => copyInvite(d, true)),
    guarded('weft.ui.follow', (clientId?: unknown) => follow(d, clientId)),
    guarded('weft.ui.stopFollowing', () => d.follow.stop()),
    guarded('weft.ui.pause', () => d.session.execute('weft.pause')),
    guarded('weft.ui.resume', () => d.session.execute('weft.resume')),
    guarded('weft.ui.undo', () => undoRedo(d, 'weft.undo', 'undo')),
    guarded('weft.ui.redo', () => undoRedo(d, 'weft.redo', 'redo')),
    guarded('weft.ui.sessionMenu', () => sessionMenu(d)),
    guarded('weft.ui.showLog', async () => d.session.output.show(true)),
    guarded('weft.ui.stageMine', () => stageMine(d)),
    guarded('weft.ui.commit', () => commit(d)),
    guarded('weft.ui.toggleBlame', async () => {
      const on = d.blame.toggle();
      void vscode.window.showInformationMessage(`Weft: blame ${on ? 'shown' : 'hidden'}`);
    }),
  ];
}

/** Handles `vscode://weft.weft-vscode/join?relay=…&room=…&secret=…`. */
export class JoinUriHandler implements vscode.UriHandler {
  constructor(private readonly d: CommandDeps) {}

  async handleUri(uri: vscode.Uri): Promise<void> {
    try {
      const link = parseJoinUri(uri.path, uri.query);
      await join(this.d, formatInviteLink(link));
    } catch (e) {
      await showWeftError(e, this.d.session);
    }
  }
}

async function share(d: CommandDeps): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('weft');
  const relayUrl = relayUrlSetting(cfg.get<unknown>('relayUrl'));
  const transport = transportSetting(cfg.get<unknown>('transport'));
  const uris = vscode.workspace.textDocuments.filter((doc) => doc.uri.scheme === 'file').map((doc) => doc.uri.toString());
  const where = transport === 'lan' ? 'the local network (no relay)'
    : transport === 'direct' ? `${relayUrl} with direct links` : relayUrl;
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Weft: sharing on ${where}…` },
    () => d.session.execute<ShareResult>('weft.share', { relayUrl, transport, ...(uris.length > 0 ? { uris } : {}) }),
  );
  await d.session.refreshStatus().catch(() => undefined);
  await rememberIfLan(d, r.inviteLink);
  const copied = await writeClipboard(r.inviteLink);
  d.session.output.appendLine(`Shared room ${r.room}${r.transport === 'lan' ? ` on the LAN (port ${r.lanPort})` : ''}; invite link: ${r.inviteLink}`);
  d.selections.sendNow(vscode.window.activeTextEditor);
  const choice = await vscode.window.showInformationMessage(
    `Weft: sharing room ${r.room}. ${copied ? 'Invite link copied to the clipboard' : 'Invite link'}: ${r.inviteLink}`,
    'Copy Invite Link',
    'Copy Read-Only Link',
  );
  if (choice === 'Copy Invite Link') {
    await copyInvite(d, false);
  } else if (choice === 'Copy Read-Only Link') {
    await copyInvite(d, true);
  }
}

/**
 * Shares every workspace folder (all roots of a multi-root workspace) through the server's workspace engine:
 * files not opened are shared too, and files others create, rename or delete follow on disk (the Explorer shows
 * them).
 */
async function shareWorkspace(d: CommandDeps): Promise<void> {
  const lan = transportSetting(vscode.workspace.getConfiguration('weft').get<unknown>('transport')) === 'lan';
  const relayUrl = vscode.workspace.getConfiguration('weft').get<string>('relayUrl') || 'http://127.0.0.1:7420';
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.toString());
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('Weft: open a folder first — Share Workspace shares the workspace folders.');
    return;
  }
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Weft: sharing the workspace ${lan ? 'on the local network' : `on ${relayUrl}`}…` },
    () => d.session.execute<WorkspaceShareResult>('weft.shareWorkspace', shareWorkspaceArgs(relayUrl, folders,
      vscode.workspace.getConfiguration('weft').get<boolean>('shareWorkspaceBranches', false), lan)),
  );
  await d.session.refreshStatus().catch(() => undefined);
  const copied = await writeClipboard(r.inviteLink);
  d.session.output.appendLine(`Shared workspace (${r.files} files) in room ${r.room}; invite link: ${r.inviteLink}`);
  for (const line of r.leftOut ?? []) {
    d.session.output.appendLine(`  left out: ${line}`);
  }
  d.selections.sendNow(vscode.window.activeTextEditor);
  const choice = await vscode.window.showInformationMessage(
    `Weft: sharing the workspace (${r.files} files${(r.leftOut ?? []).length > 0 ? `, ${r.leftOut.length} left out` : ''}) in room ${r.room}. ${copied ? 'Invite link copied to the clipboard' : 'Invite link'}: ${r.inviteLink}`,
    'Copy Invite Link',
    'Show What Was Left Out',
  );
  if (choice === 'Copy Invite Link') {
    await copyInvite(d, false);
  } else if (choice === 'Show What Was Left Out') {
    d.session.output.show(true);
  }
}

/** Parses a pasted relay or LAN link; returns the room and the canonical link the server takes. */
function parseAnyLink(text: string): { room: string; link: string } {
  if (isLanLink(text)) {
    const l = parseLanLink(text);
    return { room: l.room, link: text.trim() };
  }
  const l: InviteLink = parseInviteLink(text);
  return { room: l.room, link: formatInviteLink(l) };
}

async function join(d: CommandDeps, given?: string, peers?: string[]): Promise<void> {
  let link: { room: string; link: string };
  if (typeof given === 'string' && given.trim() !== '') {
    link = parseAnyLink(given);
  } else {
    const text = await askForLink('Weft: Join', 'Paste the invite link (weft://join?relay=…&room=…&secret=…, or a weft://lan?… link)', parseAnyLink);
    if (text === undefined) {
      return;
    }
    link = parseAnyLink(text);
  }
  // A relay link joins with direct links when the setting says so; a LAN link always joins over the LAN.
  const transport = transportSetting(vscode.workspace.getConfiguration('weft').get<unknown>('transport'));
  const args = isLanLink(link.link) ? { link: link.link, ...(peers !== undefined ? { peers } : {}) }
    : { link: link.link, ...(transport === 'direct' ? { transport } : {}) };
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Weft: joining room ${link.room}${isLanLink(link.link) ? ' on the local network' : ''}…` },
    () => d.session.execute<JoinResult>('weft.join', args),
  );
  await d.session.refreshStatus().catch(() => undefined);
  await rememberIfLan(d, link.link);
  const docs = Array.isArray(r?.documents) ? r.documents : [];
  for (let i = docs.length - 1; i >= 0; i--) {
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(docs[i]));
      await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: i !== 0 });
    } catch (e) {
      d.session.output.appendLine(`Could not open shared document ${docs[i]}: ${(e as Error).message}`);
    }
  }
  d.selections.sendNow(vscode.window.activeTextEditor);
  const count = r?.workspace ? `shared workspace, ${r.files ?? 0} files on disk`
    : `${docs.length} document${docs.length === 1 ? '' : 's'}`;
  if (isReadOnly(d.session.status)) {
    await d.readOnly.protect(docs);
    void vscode.window.showInformationMessage(`Weft: read-only — joined room ${r.room} (${count}): you see every change live but cannot edit.`);
  } else {
    await d.readOnly.release();
    void vscode.window.showInformationMessage(`Weft: joined room ${r.room} (${count}).`);
  }
}

/** Asks for a link with an input box validated by `parse`; undefined when dismissed or empty. */
async function askForLink(title: string, prompt: string, parse: (text: string) => unknown): Promise<string | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt,
    placeHolder: 'weft://…',
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (v.trim() === '') {
        return undefined;
      }
      try {
        parse(v);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

/**
 * "Weft: Join LAN Session…": lists the LAN sessions the server finds on the network (`weft.lanSessions`, with the
 * remembered links so it can name their rooms), then joins the picked one — with the remembered link, or after
 * asking for its link (the advertisement never carries the room or its secret) — dialing its peers at once.
 */
async function joinLan(d: CommandDeps): Promise<void> {
  const links = await d.lanLinks.get().catch(() => [] as string[]);
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Weft: looking for sessions on the local network…' },
    () => d.session.execute<{ sessions: LanSession[] }>('weft.lanSessions', { links, waitMs: 2000 }),
  );
  const items = lanSessionItems(Array.isArray(r?.sessions) ? r.sessions : []);
  const paste = { label: '$(link) Paste a LAN link…', description: 'join a room that is not listed', detail: '' };
  const pick = await vscode.window.showQuickPick([...items, paste], {
    title: 'Weft: Join LAN Session',
    placeHolder: items.length === 0 ? 'No Weft session found on this network (multicast may be blocked)' : 'Sessions advertised on this network',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (pick === undefined) {
    return;
  }
  const session: LanSession | undefined = 'session' in pick ? (pick as LanSessionItem).session : undefined;
  let link = session?.known && session.link ? session.link : undefined;
  if (link === undefined) {
    link = await askForLink('Weft: Join LAN Session',
      session ? `Paste the LAN link of ${session.label ?? 'this session'} (weft://lan?room=…&secret=…): the network shows neither its room nor its secret`
        : 'Paste the LAN link (weft://lan?room=…&secret=…)', parseLanLink);
    if (link === undefined) {
      return;
    }
  }
  const args = session ? lanJoinArgs(session, link) : { link, peers: undefined };
  await join(d, args.link, args.peers);
}

async function leave(d: CommandDeps): Promise<void> {
  await d.session.execute('weft.leave');
  await d.follow.stop();
  await d.readOnly.release();
  d.cursors.clear();
  await d.session.refreshStatus().catch(() => undefined);
  void vscode.window.showInformationMessage('Weft: left the session.');
}

async function copyInvite(d: CommandDeps, readOnly: boolean): Promise<void> {
  let s = d.session.status;
  if (s.inviteLink === undefined && d.session.running) {
    await d.session.refreshStatus();
    s = d.session.status;
  }
  const link = readOnly ? s.readOnlyInviteLink : s.inviteLink;
  if (!link) {
    void vscode.window.showWarningMessage(`Weft: no ${readOnly ? 'read-only ' : ''}invite link — share or join a session first.`);
    return;
  }
  const copied = await writeClipboard(link);
  void vscode.window.showInformationMessage(
    copied ? `Weft: ${readOnly ? 'read-only ' : ''}invite link copied: ${link}` : `Weft: ${readOnly ? 'read-only ' : ''}invite link: ${link}`,
  );
}

async function follow(d: CommandDeps, clientId?: unknown): Promise<void> {
  const participants = d.session.status.participants;
  let id = clientId === undefined || clientId === null ? undefined : String((clientId as any).clientId ?? clientId);
  if (id === undefined) {
    const pick = await vscode.window.showQuickPick(
      participants.map((p) => ({ label: p.name, description: p.uri ? vscode.workspace.asRelativePath(vscode.Uri.parse(p.uri)) : '', id: String(p.clientId) })),
      { title: 'Weft: Follow Participant', placeHolder: participants.length === 0 ? 'Nobody else is here yet' : 'Whom to follow' },
    );
    if (pick === undefined) {
      return;
    }
    id = pick.id;
  }
  const p = participants.find((x) => String(x.clientId) === id);
  await d.follow.start(id, p?.name ?? id, d.session.status);
  void vscode.window.setStatusBarMessage(`Weft: following ${p?.name ?? id}`, 3000);
}

async function undoRedo(d: CommandDeps, serverCommand: string, fallback: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || !d.session.inSession) {
    await vscode.commands.executeCommand(fallback);
    return;
  }
  if (d.session.status.paused) {
    // The server applies an undo to the shared text at once but shows it in this editor only after resuming (it
    // holds every change back while paused); refuse rather than let the others see what this user does not.
    const verb = fallback === 'undo' ? 'undoing' : 'redoing';
    const choice = await vscode.window.showWarningMessage(
      `Weft: resume incoming changes before ${verb} your changes (while paused, it would reach the others but not your editor).`,
      'Resume',
    );
    if (choice === 'Resume') {
      await d.session.execute('weft.resume');
    }
    return;
  }
  try {
    await d.session.execute(serverCommand, { uri: editor.document.uri.toString() });
  } catch (e) {
    // Not a shared document (e.g. another file open during a session): the keys must still undo there.
    d.session.output.appendLine(`${serverCommand}: ${(e as Error).message}; using VS Code's ${fallback}`);
    await vscode.commands.executeCommand(fallback);
  }
}

async function sessionMenu(d: CommandDeps): Promise<void> {
  const s = d.session.status;
  const items: (vscode.QuickPickItem & { command: string })[] = d.session.inSession
    ? [
        { label: '$(link) Copy Invite Link', command: 'weft.ui.copyInviteLink' },
        { label: '$(lock) Copy Read-Only Invite Link', command: 'weft.ui.copyReadOnlyInviteLink' },
        { label: '$(eye) Follow Participant…', command: 'weft.ui.follow' },
        ...(d.follow.following ? [{ label: '$(eye-closed) Stop Following', command: 'weft.ui.stopFollowing' }] : []),
        s.paused
          ? { label: '$(debug-continue) Resume Incoming Changes', command: 'weft.ui.resume' }
          : { label: '$(debug-pause) Pause Incoming Changes', command: 'weft.ui.pause' },
        { label: '$(output) Show Server Log', command: 'weft.ui.showLog' },
        { label: '$(debug-disconnect) Leave Session', command: 'weft.ui.leave' },
      ]
    : [
        { label: '$(live-share) Share', description: 'start a session on the configured relay', command: 'weft.ui.share' },
        { label: '$(plug) Join…', description: 'paste an invite link', command: 'weft.ui.join' },
        { label: '$(broadcast) Join LAN Session…', description: 'sessions on this network, no relay', command: 'weft.ui.joinLan' },
        { label: '$(output) Show Server Log', command: 'weft.ui.showLog' },
      ];
  const pick = await vscode.window.showQuickPick(items, { title: s.room ? `Weft room ${s.room} (${s.state})` : 'Weft' });
  if (pick !== undefined) {
    await vscode.commands.executeCommand(pick.command);
  }
}

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await vscode.env.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** The folder the git commands are about: the active file's (the server picks its shared root), else every root. */
function gitArgs(): { uri?: string } {
  const doc = vscode.window.activeTextEditor?.document;
  return doc !== undefined && doc.uri.scheme === 'file' ? { uri: doc.uri.toString() } : {};
}

/** Logs what was left out and shows the summary (as a warning when something was left out). */
async function report(d: CommandDeps, summary: string, problems: string[] | undefined): Promise<void> {
  for (const p of problems ?? []) {
    d.session.output.appendLine(`[git] ${p}`);
  }
  d.blame.refresh();
  if ((problems ?? []).length === 0) {
    void vscode.window.showInformationMessage(summary);
    return;
  }
  const choice = await vscode.window.showWarningMessage(`${summary}. ${problems![0]}`, 'Show Log');
  if (choice === 'Show Log') {
    d.session.output.show(true);
  }
}

/** "Weft: Stage My Changes": exactly the local user's changes into the git index (`weft.stageMine`). */
async function stageMine(d: CommandDeps): Promise<void> {
  await vscode.workspace.saveAll(false);
  const r = await d.session.execute<StageResult>('weft.stageMine', gitArgs());
  await report(d, stageSummary(r), r.problems);
}

/** "Weft: Commit (with co-authors)": asks for a message, then `weft.commit`. */
async function commit(d: CommandDeps): Promise<void> {
  const message = await vscode.window.showInputBox({
    prompt: 'Commit message (Co-authored-by trailers are added for the other authors of the staged changes)',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'The message must not be empty' : undefined),
  });
  if (message === undefined) {
    return;
  }
  const r = await d.session.execute<CommitResult>('weft.commit', { ...gitArgs(), message });
  await report(d, commitSummary(r), r.problems);
}
