/**
 * The "Weft Participants" tree: one row per participant with a dot in their colour and the file they are in;
 * clicking a row follows them.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { participantColor } from './colors';
import { inSession, Participant, WeftStatus } from './protocol';

/** Client id used for the local user's row (the server lists only the other members). */
const SELF_ID = '__self__';

export class ParticipantsView implements vscode.TreeDataProvider<Participant>, vscode.Disposable {
  private participants: Participant[] = [];
  private self: Participant | undefined;
  private followed: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  /** `iconDir` holds one generated SVG dot per colour (tree icons cannot take an arbitrary CSS colour). */
  constructor(private readonly iconDir: string) {
    fs.mkdirSync(iconDir, { recursive: true });
  }

  /** Shows the session's members: the local user (`self`, when in a session) first, then the others. */
  update(s: WeftStatus, followed: string | undefined, self?: { userName: string; color: string }): void {
    this.participants = s.participants;
    this.self = inSession(s) && self ? { clientId: SELF_ID, name: self.userName, color: self.color } : undefined;
    this.followed = followed;
    this.changed.fire();
  }

  getChildren(element?: Participant): Participant[] {
    return element === undefined ? [...(this.self ? [this.self] : []), ...this.participants] : [];
  }

  getTreeItem(p: Participant): vscode.TreeItem {
    const id = String(p.clientId);
    const item = new vscode.TreeItem(p.name || 'anonymous', vscode.TreeItemCollapsibleState.None);
    if (id === SELF_ID) {
      item.id = id;
      item.description = '(you)';
      item.iconPath = vscode.Uri.file(this.dot(participantColor(p.color, id)));
      return item;
    }
    item.id = id;
    item.contextValue = 'participant';
    const file = p.uri ? vscode.workspace.asRelativePath(vscode.Uri.parse(p.uri), false) : undefined;
    item.description = [file, this.followed === id ? '(following)' : undefined].filter(Boolean).join(' ');
    item.tooltip = `${p.name}${p.email ? ` <${p.email}>` : ''} — ${p.color}${file ? ` — in ${file}` : ''}\nClick to follow`;
    item.iconPath = vscode.Uri.file(this.dot(participantColor(p.color, id)));
    item.command = { command: 'weft.ui.follow', title: 'Follow Participant', arguments: [id] };
    return item;
  }

  private dot(color: string): string {
    const file = path.join(this.iconDir, `dot-${color.slice(1)}.svg`);
    if (!fs.existsSync(file)) {
      fs.writeFileSync(file, `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><circle cx="8" cy="8" r="5" fill="${color}"/></svg>`);
    }
    return file;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
