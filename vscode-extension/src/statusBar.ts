/** The status bar item: connection state and participant count; a click opens the session menu. */
import * as vscode from 'vscode';
import { WeftStatus } from './protocol';
import { presentStatus } from './statusText';

export class WeftStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('weft.status', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Weft';
    this.item.command = 'weft.ui.sessionMenu';
  }

  show(s: WeftStatus): void {
    const p = presentStatus(s);
    this.item.text = p.text;
    this.item.tooltip = p.tooltip;
    this.item.backgroundColor = p.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
