vim9script
# Weft for Vim 9.0 or newer: real-time co-editing through the Weft language server (Vim's LSP channel mode,
# no other plugin needed).
#
# Install: add this folder (samples/editors/vim of a Weft checkout, or a copy of it) to 'runtimepath':
#
#   set runtimepath+=~/weft/samples/editors/vim      " in ~/.vimrc
#
# Inside a checkout the server jar lsp-server/target/weft-server.jar is found relative to this folder; elsewhere
# set g:weft_jar (or $WEFT_SERVER_JAR; default ~/.local/share/weft/weft-server.jar). Options, all optional:
#   g:weft_jar, g:weft_java, g:weft_cmd (full server command, a list)
#   g:weft_user_name   name others see (default: git user.name, then $USER)
#   g:weft_user_email  e-mail for :WeftCommit's Co-authored-by trailers (default: git user.email)
#   g:weft_color       your caret colour as others see it, '#rrggbb'
#   g:weft_relay_url   relay used by :WeftShare, e.g. 'http://127.0.0.1:7420'
#   g:weft_transport   how :WeftShare reaches a new room: 'relay' (default), 'direct' or 'lan' (no relay)
#   g:weft_lan_label   LAN rooms: label advertised on the network; g:weft_lan_peers: 'host:port,…' to dial
#   g:weft_data_dir    the server's journal directory
#   g:weft_filetypes   filetypes attached automatically once the server runs ('*' = all, the default)
#   g:weft_verify_interval  seconds between weft/verify checks (3; 0 turns them off)
#   g:weft_notify_status    echo connection state changes (1)
# Commands: :WeftShare [file]  :WeftShareWorkspace  :WeftJoin <link>  :WeftLeave  :WeftPause  :WeftResume  :WeftUndo  :WeftRedo
#           :WeftStatus  :WeftInvite  :WeftFollow [name]  :WeftVerify  :WeftLog
#           :WeftBlame  :WeftStageMine  :WeftCommit <message>   (shared workspaces in a git repository)
# Statusline: %{weft#Statusline()} shows "weft: connected", "weft: offline, 12 unsent", ...
# Guide: docs/editors.md; protocol: docs/protocol.md ("Language server protocol extensions").

if exists('g:loaded_weft') || v:version < 900 || !has('channel') || !has('textprop')
  finish
endif
g:loaded_weft = 1

import autoload 'weft.vim'

command -nargs=? -complete=file WeftShare weft.Share(<q-args>)
command WeftShareWorkspace weft.ShareWorkspace()
command -nargs=1 WeftJoin weft.Join(<q-args>)
command WeftLeave weft.Leave()
command WeftPause weft.Execute('weft.pause')
command WeftResume weft.Execute('weft.resume')
command WeftUndo weft.Undo(false)
command WeftRedo weft.Undo(true)
command WeftStatus weft.PrintStatus()
command WeftInvite weft.Invite()
command -nargs=? WeftFollow weft.Follow(<q-args>)
command WeftVerify weft.Verify(bufnr('%'))
command WeftLog weft.ShowLog()
command WeftBlame weft.Blame()
command WeftStageMine weft.StageMine()
command -nargs=+ WeftCommit weft.Commit(<q-args>)

augroup weft
  autocmd!
  autocmd BufReadPost,BufNewFile,FileType * weft.MaybeAttach(str2nr(expand('<abuf>')))
  autocmd BufWipeout,BufDelete * weft.Detach(str2nr(expand('<abuf>')))
  autocmd CursorMoved,CursorMovedI * weft.ScheduleSelection()
  autocmd VimLeavePre * weft.Stop()
augroup END
