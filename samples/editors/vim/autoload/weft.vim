vim9script
# Weft for Vim 9.0: real-time co-editing through the Weft language server, with Vim's own LSP channel mode
# (job_start with in_mode/out_mode 'lsp'). No other plugin is needed. Commands and options: plugin/weft.vim.
#
# What it does: starts one `java -jar weft-server.jar` per Vim, sends didOpen/didChange for the buffers it
# attaches (changes found by comparing the buffer with the text last sent, triggered by listener_add, sent as one
# incremental change in UTF-16 positions), applies the server's workspace/applyEdit exactly (refusing an edit made
# for another buffer version), reports the caret as weft/selection, and draws the other participants' carets
# (weft/remoteCursors) as text properties in their colour with their name after the line.
# Protocol: docs/protocol.md ("Language server protocol extensions"); guide: docs/editors.md.

# The checkout's server jar, two folders above samples/editors/vim: found without configuration.
const checkout_jar = simplify(expand('<sfile>:p:h:h') .. '/../../../lsp-server/target/weft-server.jar')

# The server job and its channel (null before the first start).
var job: any = null
var chan: any = null
var initialized = false
# Attached buffers: bufnr -> {uri, path, version, lines (the text last sent, as lines), nl, listener}.
var docs: dict<dict<any>> = {}
# Latest weft/status payload ({} before the first one).
var status: dict<any> = {}
# Latest weft/remoteCursors per file path.
var cursors: dict<list<any>> = {}
# Latest :WeftShare result.
var last_share: dict<any> = {}
# Name of the participant followed (:WeftFollow), '' when following nobody.
var following = ''
# Server stderr and window/logMessage lines (last 500), for :WeftLog.
var server_log: list<string> = []
# Text property types created so far (one set per colour).
var prop_types: dict<bool> = {}
# Name shown by each name label drawn: bufnr -> {prop id -> name} (Vim 9.0's prop_list() omits the text).
var labels: dict<dict<string>> = {}
var selection_timer = 0
var verify_timer = 0
var status_timer = 0
# Commands running (their own line is the news; state changes wait), and the state last shown.
var busy = 0
var announced = ''

def Opt(name: string, default: any): any
  return get(g:, 'weft_' .. name, default)
enddef

def Notify(msg: string, error = false)
  if error
    echohl ErrorMsg
  endif
  echomsg '[weft] ' .. msg
  if error
    echohl None
  endif
enddef

def Log(line: string)
  server_log->add(line)
  if len(server_log) > 500
    server_log->remove(0, len(server_log) - 501)
  endif
enddef

# ---- positions: LSP counts UTF-16 code units, Vim columns are bytes ----

def U16Len(s: string): number
  var n = 0
  for c in str2list(s)
    n += c > 0xFFFF ? 2 : 1
  endfor
  return n
enddef

# Byte index in `line` of the UTF-16 offset `u` (the line's length when past its end).
def U16ToByte(line: string, u: number): number
  var n = 0
  var b = 0
  for c in str2list(line)
    if n >= u
      return b
    endif
    n += c > 0xFFFF ? 2 : 1
    b += len(nr2char(c))
  endfor
  return b
enddef

def PathToUri(path: string): string
  return 'file://' .. substitute(path, '[ %#?"<>\[\]^`{|}\\]', '\=printf("%%%02X", char2nr(submatch(0)))', 'g')
enddef

def UriToPath(uri: string): string
  var p = substitute(uri, '^file://', '', '')
  return substitute(p, '%\(\x\x\)', '\=eval(''"\x'' .. submatch(1) .. ''"'')', 'g')
enddef

def DocOfUri(uri: string): number
  var path = simplify(UriToPath(uri))
  for [nr, d] in items(docs)
    if d.path ==# path
      return str2nr(nr)
    endif
  endfor
  return -1
enddef

# The buffer as the server sees it: its lines, plus an empty last line when it ends with a line break.
def FullLines(bufnr: number): list<string>
  var lines = getbufline(bufnr, 1, '$')
  if getbufvar(bufnr, '&eol') && !getbufvar(bufnr, '&binary')
    lines->add('')
  endif
  return lines
enddef

def LineBreak(bufnr: number): string
  var ff = getbufvar(bufnr, '&fileformat')
  return ff == 'dos' ? "\r\n" : ff == 'mac' ? "\r" : "\n"
enddef

# Position (UTF-16) reached after `chars` (code points) starting at the beginning of line `line`.
def PosAfter(line: number, chars: list<number>): dict<number>
  var l = line
  var last = 0
  var i = 0
  for c in chars
    i += 1
    if c == 10
      l += 1
      last = i
    endif
  endfor
  return {line: l, character: U16Len(list2str(chars->slice(last)))}
enddef

# The one contiguous change turning `old` into `new` (lists of lines), or {} when equal.
def Change(old: list<string>, new: list<string>, nl: string): dict<any>
  var on = len(old)
  var nn = len(new)
  var p = 0
  while p < on && p < nn && old[p] ==# new[p]
    p += 1
  endwhile
  if p == on && p == nn
    return {}
  endif
  var s = 0
  while s < on - p && s < nn - p && old[on - 1 - s] ==# new[nn - 1 - s]
    s += 1
  endwhile
  var oe = on - 1 - s
  var ne = nn - 1 - s
  if oe < p || ne < p
    # Whole lines inserted or removed: take a neighbouring line in, so both sides have text to compare.
    if p > 0
      p -= 1
    else
      oe += 1
      ne += 1
    endif
  endif
  var a = str2list(join(old[p : oe], "\n"))
  var b = str2list(join(new[p : ne], "\n"))
  var k = 0
  while k < len(a) && k < len(b) && a[k] == b[k]
    k += 1
  endwhile
  var m = 0
  while m < len(a) - k && m < len(b) - k && a[len(a) - 1 - m] == b[len(b) - 1 - m]
    m += 1
  endwhile
  var text = list2str(b->slice(k, len(b) - m))
  if nl != "\n"
    text = substitute(text, "\n", nl, 'g')
  endif
  return {range: {start: PosAfter(p, a->slice(0, k)), end: PosAfter(p, a->slice(0, len(a) - m))}, text: text}
enddef

# ---- the server ----

def ServerCommand(): list<string>
  var cmd = Opt('cmd', [])
  if !empty(cmd)
    return cmd
  endif
  var jar = Opt('jar', '')
  if jar == ''
    jar = filereadable(checkout_jar) ? checkout_jar
      : $WEFT_SERVER_JAR != '' ? $WEFT_SERVER_JAR : expand('~/.local/share/weft/weft-server.jar')
  endif
  var java = Opt('java', $JAVA_HOME != '' && executable($JAVA_HOME .. '/bin/java') ? $JAVA_HOME .. '/bin/java' : 'java')
  return [java, '-jar', jar, '--stdio']
enddef

def UserName(): string
  var name = Opt('user_name', '')
  if name == ''
    silent name = trim(system('git config --get user.name'))
    if v:shell_error != 0 || name == ''
      name = $USER != '' ? $USER : 'vim'
    endif
  endif
  return name
enddef

export def Running(): bool
  return chan != null && ch_status(chan) == 'open' && initialized
enddef

# Answers a server request. Written raw: LSP4J's request ids are strings, and ch_sendexpr() only takes numbers.
def Reply(id: any, result: any, error: dict<any> = {})
  var msg: dict<any> = {jsonrpc: '2.0', id: id}
  if empty(error)
    msg.result = result
  else
    msg.error = error
  endif
  var body = json_encode(msg)
  ch_sendraw(chan, 'Content-Length: ' .. len(body) .. "\r\n\r\n" .. body)
enddef

def Notification(method: string, params: any)
  if chan != null && ch_status(chan) == 'open'
    ch_sendexpr(chan, {method: method, params: params})
  endif
enddef

# Sends a request and waits for its answer (processing other messages meanwhile): {result} or {error}.
export def Request(method: string, params: any, timeout_ms = 30000): dict<any>
  if chan == null || ch_status(chan) != 'open'
    return {error: {message: 'the Weft server is not running'}}
  endif
  var box: dict<any> = {done: false, msg: {}}
  ch_sendexpr(chan, {method: method, params: params}, {callback: (_, m) => {
    box.msg = m
    box.done = true
  }})
  var start = reltime()
  while !box.done && reltimefloat(reltime(start)) * 1000 < timeout_ms
    sleep 10m
  endwhile
  if !box.done
    return {error: {message: method .. ' timed out'}}
  endif
  return box.msg
enddef

export def Start(): bool
  if Running()
    return true
  endif
  var cmd = ServerCommand()
  if !executable(cmd[0])
    Notify('Java 17 or newer is required (e.g. apt-get install openjdk-17-jre), or set g:weft_java', true)
    return false
  endif
  if empty(Opt('cmd', [])) && !filereadable(cmd[2])
    Notify('server jar not found: ' .. cmd[2] .. ' (set g:weft_jar or $WEFT_SERVER_JAR)', true)
    return false
  endif
  job = job_start(cmd, {in_mode: 'lsp', out_mode: 'lsp', err_mode: 'nl', noblock: 1,
    callback: OnMessage, err_cb: (_, line) => Log(line), exit_cb: OnExit})
  if job_status(job) != 'run'
    Notify('could not start ' .. join(cmd), true)
    return false
  endif
  chan = job_getchannel(job)
  var root = getcwd()
  var options: dict<any> = {userName: UserName(), reportsSelection: true, drawsCursors: true}
  for [key, opt] in [['color', 'color'], ['relayUrl', 'relay_url'], ['dataDir', 'data_dir'],
      ['userEmail', 'user_email'], ['transport', 'transport'], ['lanLabel', 'lan_label'], ['lanPeers', 'lan_peers']]
    if Opt(opt, '') != ''
      options[key] = Opt(opt, '')
    endif
  endfor
  var res = Request('initialize', {processId: getpid(), rootUri: PathToUri(root),
    workspaceFolders: [{uri: PathToUri(root), name: fnamemodify(root, ':t')}],
    clientInfo: {name: 'vim-weft', version: string(v:version)},
    initializationOptions: options,
    capabilities: {
      general: {positionEncodings: ['utf-16']},
      workspace: {applyEdit: true, workspaceEdit: {documentChanges: true}, workspaceFolders: true},
      textDocument: {synchronization: {dynamicRegistration: false}},
      window: {showMessage: {}}}}, 60000)
  if has_key(res, 'error')
    Notify('the server did not start: ' .. get(res.error, 'message', string(res.error)), true)
    return false
  endif
  Notification('initialized', {})
  initialized = true
  var secs = Opt('verify_interval', 3)
  if secs > 0 && verify_timer == 0
    verify_timer = timer_start(secs * 1000, (_) => VerifyAll(), {repeat: -1})
  endif
  return true
enddef

def OnExit(_: job, code: number)
  initialized = false
  chan = null
  for bufnr in keys(docs)
    listener_remove(docs[bufnr].listener)
  endfor
  docs = {}
  if code != 0
    Notify('server exited with code ' .. code .. '; :WeftLog shows its log', true)
  endif
enddef

def OnMessage(_: channel, msg: any)
  if type(msg) != v:t_dict || !has_key(msg, 'method')
    return
  endif
  var params = get(msg, 'params', {})
  if has_key(msg, 'id')
    if msg.method == 'workspace/applyEdit'
      Reply(msg.id, ApplyWorkspaceEdit(params))
    elseif msg.method =~ '^\(window/showMessageRequest\|client/registerCapability\|client/unregisterCapability\|window/workDoneProgress/create\|workspace/inlayHint/refresh\)$'
      # showMessageRequest unanswered: a join into a folder holding files writes to .weft/<room>/ and says so.
      Reply(msg.id, v:null)
    else
      Reply(msg.id, v:null, {code: -32601, message: 'not supported by vim-weft: ' .. msg.method})
    endif
  elseif msg.method == 'weft/status'
    OnStatus(params)
  elseif msg.method == 'weft/remoteCursors'
    OnRemoteCursors(params)
  elseif msg.method == 'window/logMessage'
    Log(get(params, 'message', ''))
  elseif msg.method == 'window/showMessage'
    Notify(get(params, 'message', ''), get(params, 'type', 3) == 1)
  endif
  # textDocument/publishDiagnostics: the "<name> is here" hints for plugin-less clients; the carets are drawn.
enddef

# ---- buffers ----

export def Attach(bufnr: number): bool
  if has_key(docs, bufnr)
    return true
  endif
  if !Start()
    return false
  endif
  var path = simplify(fnamemodify(bufname(bufnr), ':p'))
  if bufname(bufnr) == '' || getbufvar(bufnr, '&buftype') != ''
    return false
  endif
  bufload(bufnr)
  var lines = FullLines(bufnr)
  var nl = LineBreak(bufnr)
  var doc: dict<any> = {uri: PathToUri(path), path: path, version: 0, lines: lines, nl: nl}
  docs[bufnr] = doc
  var ft = getbufvar(bufnr, '&filetype')
  Notification('textDocument/didOpen', {textDocument: {uri: doc.uri, languageId: ft == '' ? 'plaintext' : ft,
    version: 0, text: join(lines, nl)}})
  doc.listener = listener_add((b, _, _, _, _) => Sync(b), bufnr)
  return true
enddef

export def Detach(bufnr: number)
  if has_key(docs, bufnr)
    listener_remove(docs[bufnr].listener)
    Notification('textDocument/didClose', {textDocument: {uri: docs[bufnr].uri}})
    remove(docs, bufnr)
  endif
enddef

# Sends what changed in the buffer since the text last sent, as one incremental didChange.
export def Sync(bufnr: number)
  if !has_key(docs, bufnr) || !bufloaded(bufnr)
    return
  endif
  var doc = docs[bufnr]
  var lines = FullLines(bufnr)
  var change = Change(doc.lines, lines, doc.nl)
  if empty(change)
    return
  endif
  doc.version += 1
  doc.lines = lines
  Notification('textDocument/didChange', {textDocument: {uri: doc.uri, version: doc.version},
    contentChanges: [change]})
enddef

def Flush(bufnr: number)
  if has_key(docs, bufnr)
    listener_flush(bufnr)
    Sync(bufnr)
  endif
enddef

# Applies the server's edit when it was made for the buffer's version; otherwise refuses it (the server re-derives
# it for the new version).
def ApplyWorkspaceEdit(params: dict<any>): dict<any>
  var edit = get(params, 'edit', {})
  for change in get(edit, 'documentChanges', [])
    var uri = get(get(change, 'textDocument', {}), 'uri', '')
    var bufnr = DocOfUri(uri)
    if bufnr < 0
      return {applied: false, failureReason: 'not open in Vim: ' .. uri}
    endif
    Flush(bufnr)
    var want = get(change.textDocument, 'version', v:null)
    if want != v:null && want != docs[bufnr].version
      return {applied: false, failureReason: printf('stale edit: made for version %d, buffer is at %d',
        want, docs[bufnr].version)}
    endif
  endfor
  for change in get(edit, 'documentChanges', [])
    var bufnr = DocOfUri(change.textDocument.uri)
    # Several edits of one document: from the last to the first, so earlier positions stay valid.
    var edits = copy(change.edits)->sort((x, y) => x.range.start.line != y.range.start.line
      ? y.range.start.line - x.range.start.line : y.range.start.character - x.range.start.character)
    for e in edits
      ApplyTextEdit(bufnr, e)
    endfor
    Flush(bufnr)
  endfor
  return {applied: true}
enddef

def ApplyTextEdit(bufnr: number, edit: dict<any>)
  var full = FullLines(bufnr)
  var last = len(full) - 1
  var sl = min([edit.range.start.line, last])
  var el = min([edit.range.end.line, last])
  var sb = U16ToByte(full[sl], edit.range.start.character)
  var eb = U16ToByte(full[el], edit.range.end.character)
  var text = substitute(edit.newText, "\r\n\\|\r", "\n", 'g')
  var pieces = split(text, "\n", 1)
  var replaced = split(strpart(full[sl], 0, sb) .. text .. strpart(full[el], eb), "\n", 1)
  var result = (sl > 0 ? full[0 : sl - 1] : []) + replaced + full[el + 1 :]
  # Carets in windows on this buffer: those after the edit move with the text, like the user's own typing.
  var new_el = sl + len(pieces) - 1
  var new_eb = (len(pieces) == 1 ? sb : 0) + len(pieces[-1])
  var carets: list<list<number>> = []
  for winid in win_findbuf(bufnr)
    var pos = getcurpos(winid)
    var l = pos[1] - 1
    var c = pos[2] - 1
    if l > el || (l == el && c >= eb)
      carets->add([winid, l + new_el - el + 1, (l == el ? new_eb + c - eb : c) + 1])
    elseif l > sl || (l == sl && c > sb)
      carets->add([winid, new_el + 1, new_eb + 1])
    endif
  endfor
  SetLines(bufnr, result)
  for [winid, l, c] in carets
    win_execute(winid, printf('cursor(%d, %d)', l, c))
  endfor
enddef

# Makes the buffer's full lines equal to `full`, changing only the lines that differ.
def SetLines(bufnr: number, full: list<string>)
  var lines = full
  var eol = true
  if len(full) > 1 && full[-1] == ''
    lines = full[0 : -2]
  else
    eol = false
  endif
  if eol != !!getbufvar(bufnr, '&eol')
    setbufvar(bufnr, '&eol', eol)
    if !eol
      setbufvar(bufnr, '&fixeol', false)
    endif
  endif
  var old = getbufline(bufnr, 1, '$')
  var on = len(old)
  var nn = len(lines)
  var p = 0
  while p < on && p < nn && old[p] ==# lines[p]
    p += 1
  endwhile
  var s = 0
  while s < on - p && s < nn - p && old[on - 1 - s] ==# lines[nn - 1 - s]
    s += 1
  endwhile
  var ocount = on - p - s
  var ncount = nn - p - s
  var common = min([ocount, ncount])
  if common > 0
    setbufline(bufnr, p + 1, lines[p : p + common - 1])
  endif
  if ncount > ocount
    appendbufline(bufnr, p + common, lines[p + common : p + ncount - 1])
  elseif ocount > ncount
    deletebufline(bufnr, p + common + 1, p + ocount)
  endif
enddef

# ---- status ----

def OnStatus(params: dict<any>)
  status = params
  if announced == '' && get(params, 'state', '') == 'disconnected'
    # The first status ('disconnected' before any session) is no news.
    announced = 'disconnected'
  endif
  timer_stop(status_timer)
  status_timer = timer_start(150, (_) => AnnounceStatus())
  FollowDocument()
  redrawstatus!
enddef

# State changes are echoed one at a time and never during a :Weft… command (lines printed together would stop at
# a "Press ENTER" prompt). The statusline component shows the state all the time.
def AnnounceStatus()
  var state = get(status, 'state', '')
  if !Opt('notify_status', 1) || busy > 0 || state == announced
    return
  endif
  announced = state
  if get(status, 'room', '') == ''
    return
  endif
  var msg = 'status: ' .. state
  if get(status, 'unsent', 0) > 0
    msg ..= printf(' (%d unsent)', status.unsent)
  endif
  Notify(msg)
enddef

# A short status for 'statusline': "weft: connected", "weft: offline, 12 unsent", or '' outside a session.
export def Statusline(): string
  if empty(status) || get(status, 'room', '') == ''
    return ''
  endif
  var s = 'weft: ' .. get(status, 'state', '?')
  if get(status, 'paused', false)
    s ..= ', paused'
  endif
  if get(status, 'unsent', 0) > 0
    s ..= printf(', %d unsent', status.unsent)
  endif
  return s
enddef

export def Status(): dict<any>
  return status
enddef

# ---- remote cursors ----

# The xterm-256 colour nearest to #rrggbb (for terminals without 'termguicolors').
export def CtermColor(hex: string): number
  var rgb = [str2nr(hex[1 : 2], 16), str2nr(hex[3 : 4], 16), str2nr(hex[5 : 6], 16)]
  var levels = [0, 95, 135, 175, 215, 255]
  var best = 16
  var best_d = 1000000
  for i in range(16, 255)
    var c: list<number>
    if i < 232
      c = [levels[(i - 16) / 36], levels[((i - 16) / 6) % 6], levels[(i - 16) % 6]]
    else
      c = repeat([8 + (i - 232) * 10], 3)
    endif
    var d = (c[0] - rgb[0]) * (c[0] - rgb[0]) + (c[1] - rgb[1]) * (c[1] - rgb[1]) + (c[2] - rgb[2]) * (c[2] - rgb[2])
    if d < best_d
      best = i
      best_d = d
    endif
  endfor
  return best
enddef

def PropTypes(color: string): string
  var hex = color =~ '^#\x\{6}$' ? color : '#888888'
  var name = 'WeftCursor' .. hex[1 :]
  if !has_key(prop_types, name)
    var cterm = CtermColor(hex)
    execute printf('highlight default %s guifg=#ffffff guibg=%s ctermfg=15 ctermbg=%d', name, hex, cterm)
    execute printf('highlight default %sName guifg=%s gui=bold ctermfg=%d cterm=bold', name, hex, cterm)
    execute printf('highlight default %sSel guibg=%s ctermbg=%d', name, hex, cterm)
    for suffix in ['', 'Name', 'Sel']
      prop_type_add(name .. suffix, {highlight: name .. suffix, priority: 20})
    endfor
    prop_types[name] = true
  endif
  return name
enddef

def ClearCursors(bufnr: number)
  if !bufloaded(bufnr)
    return
  endif
  for name in keys(prop_types)
    for suffix in ['', 'Name', 'Sel']
      prop_remove({type: name .. suffix, bufnr: bufnr, all: true})
    endfor
  endfor
enddef

export def DrawCursors(bufnr: number, list: list<any>)
  ClearCursors(bufnr)
  if !bufloaded(bufnr)
    return
  endif
  labels[string(bufnr)] = {}
  var count = getbufinfo(bufnr)[0].linecount
  for cursor in list
    var hl = PropTypes(get(cursor, 'color', ''))
    for sel in get(cursor, 'selections', [])
      var active = sel.active
      var anchor = get(sel, 'anchor', active)
      if active.line >= count || anchor.line >= count
        continue
      endif
      var line = getbufline(bufnr, active.line + 1)[0]
      var col = U16ToByte(line, active.character)
      var [s, e] = [anchor, active]
      if s.line > e.line || (s.line == e.line && s.character > e.character)
        [s, e] = [active, anchor]
      endif
      if s != e
        var sb = U16ToByte(getbufline(bufnr, s.line + 1)[0], s.character)
        var eb = U16ToByte(getbufline(bufnr, e.line + 1)[0], e.character)
        prop_add(s.line + 1, sb + 1, {type: hl .. 'Sel', bufnr: bufnr, end_lnum: e.line + 1, end_col: eb + 1})
      endif
      if col < len(line)
        prop_add(active.line + 1, col + 1, {type: hl, bufnr: bufnr, length: len(strcharpart(line[col :], 0, 1))})
      endif
      var id = prop_add(active.line + 1, 0, {type: hl .. 'Name', bufnr: bufnr,
        text: ' ‹' .. get(cursor, 'name', '?') .. '›', text_align: 'after'})
      labels[string(bufnr)][string(id)] = get(cursor, 'name', '?')
    endfor
  endfor
enddef

# The name labels drawn in the buffer, found from the text properties themselves: [{name, highlight}].
export def DrawnLabels(bufnr: number): list<dict<string>>
  var found: list<dict<string>> = []
  for lnum in range(1, getbufinfo(bufnr)[0].linecount)
    for prop in prop_list(lnum, {bufnr: bufnr})
      if get(prop, 'type', '') =~ '^WeftCursor\x\{6}Name$' && has_key(get(labels, string(bufnr), {}), string(prop.id))
        found->add({name: labels[string(bufnr)][string(prop.id)], highlight: prop.type})
      endif
    endfor
  endfor
  return found
enddef

# Names of the participants whose caret is drawn in the buffer.
export def DrawnCursors(bufnr: number): list<string>
  return DrawnLabels(bufnr)->mapnew((_, l) => l.name)
enddef

def OnRemoteCursors(params: dict<any>)
  var uri = get(params, 'uri', '')
  var list = get(params, 'cursors', [])
  cursors[simplify(UriToPath(uri))] = list
  var bufnr = DocOfUri(uri)
  if bufnr >= 0
    DrawCursors(bufnr, list)
  endif
  FollowCaret(simplify(UriToPath(uri)), list)
enddef

# ---- follow ----

def FollowCaret(path: string, list: list<any>)
  if following == ''
    return
  endif
  for cursor in list
    if get(cursor, 'name', '') ==? following && !empty(get(cursor, 'selections', []))
      var bufnr = bufnr(path)
      if bufnr < 0
        return
      endif
      if bufnr != bufnr('%')
        execute 'buffer ' .. bufnr
      endif
      var active = cursor.selections[0].active
      var lnum = min([active.line + 1, line('$')])
      cursor(lnum, U16ToByte(getline(lnum), active.character) + 1)
      return
    endif
  endfor
enddef

# Opens the document the followed participant is in, when it is not the current one.
def FollowDocument()
  if following == ''
    return
  endif
  for p in get(status, 'participants', [])
    if get(p, 'name', '') ==? following && get(p, 'uri', '') != ''
      var path = simplify(UriToPath(p.uri))
      if path !=# simplify(expand('%:p')) && filereadable(path)
        execute 'edit ' .. fnameescape(path)
        Attach(bufnr('%'))
      endif
      if has_key(cursors, path)
        FollowCaret(path, cursors[path])
      endif
      return
    endif
  endfor
enddef

export def Follow(name: string)
  following = name
  if name == ''
    Notify('not following anybody')
    return
  endif
  var known = mapnew(get(status, 'participants', []), (_, p) => get(p, 'name', ''))
  if index(known, name, 0, true) < 0
    Notify('following ' .. name .. ' (not in the session yet; participants: ' .. join(known, ', ') .. ')')
  else
    Notify('following ' .. name .. ' (:WeftFollow without a name stops)')
  endif
  FollowDocument()
  for [path, list] in items(cursors)
    FollowCaret(path, list)
  endfor
enddef

export def Following(): string
  return following
enddef

# ---- selection and verify ----

export def SendSelection()
  var bufnr = bufnr('%')
  if !has_key(docs, bufnr) || !Running()
    return
  endif
  Flush(bufnr)
  var doc = docs[bufnr]
  var m = mode()
  var v = m =~ "^[vV\<C-V>]" ? getpos('v')[1 : 2] : []
  var [anchor, active] = SelectionOf(m, v, [line('.'), col('.')])
  Notification('weft/selection', {uri: doc.uri, version: doc.version, selections: [{anchor: anchor, active: active}]})
enddef

# The LSP [anchor, active] of the current buffer's selection: `cur` is the cursor [lnum, col] (1-based byte col),
# `v` the other end in visual mode ([] otherwise). Vim's visual selections include the character under the cursor
# (and under `v`), LSP ranges end before their end position: the later end moves past its character ('V': whole
# lines).
export def SelectionOf(m: string, v: list<number>, cur: list<number>): list<dict<number>>
  var At = (p: list<number>) => ({line: p[0] - 1, character: U16Len(strpart(getline(p[0]), 0, p[1] - 1))})
  var active = At(cur)
  if empty(v)
    return [active, active]
  endif
  var anchor = At(v)
  var Past = (p: list<number>) => m ==# 'V'
    ? {line: p[0] - 1, character: U16Len(getline(p[0]))}
    : {line: p[0] - 1, character: U16Len(strpart(getline(p[0]), 0, p[1] - 1) .. strcharpart(strpart(getline(p[0]), p[1] - 1), 0, 1))}
  if cur[0] > v[0] || (cur[0] == v[0] && cur[1] >= v[1])
    active = Past(cur)
    if m ==# 'V'
      anchor = {line: v[0] - 1, character: 0}
    endif
  else
    anchor = Past(v)
    if m ==# 'V'
      active = {line: cur[0] - 1, character: 0}
    endif
  endif
  return [anchor, active]
enddef

export def ScheduleSelection()
  if !has_key(docs, bufnr('%'))
    return
  endif
  timer_stop(selection_timer)
  selection_timer = timer_start(50, (_) => SendSelection())
enddef

export def BufferText(bufnr: number): string
  return join(FullLines(bufnr), LineBreak(bufnr))
enddef

# weft/verify for a buffer; calls back with the answer (default: warn when the buffer was repaired).
export def Verify(bufnr: number, Callback: any = v:null)
  if !has_key(docs, bufnr) || !Running()
    return
  endif
  Flush(bufnr)
  var doc = docs[bufnr]
  ch_sendexpr(chan, {method: 'weft/verify', params: {uri: doc.uri, version: doc.version,
    sha256: sha256(BufferText(bufnr))}}, {callback: (_, m) => {
      if Callback != v:null
        call(Callback, [m])
      elseif get(get(m, 'result', {}), 'repaired', false)
        Notify(printf('buffer was repaired from the shared copy (%d repairs)', m.result.repairs))
      endif
    }})
enddef

def VerifyAll()
  if !Running() || get(status, 'room', '') == ''
    return
  endif
  for bufnr in keys(docs)
    Verify(str2nr(bufnr))
  endfor
enddef

# ---- commands ----

# Runs a workspace command (after sending pending changes); returns {result} or {error}.
export def Execute(command: string, args: list<any> = []): dict<any>
  if !Start()
    return {error: {message: 'the Weft server is not running'}}
  endif
  for bufnr in keys(docs)
    Flush(str2nr(bufnr))
  endfor
  return Request('workspace/executeCommand', {command: command, arguments: args})
enddef

def Run(command: string, args: list<any> = []): any
  busy += 1
  var res: dict<any>
  try
    res = Execute(command, args)
  finally
    busy -= 1
  endtry
  # The state reached during the command goes without saying after the command's own message.
  announced = get(status, 'state', announced)
  if has_key(res, 'error')
    Notify(command .. ' failed: ' .. get(res.error, 'message', string(res.error)), true)
    return v:null
  endif
  return get(res, 'result', v:null)
enddef

export def Share(file = ''): any
  if file != ''
    execute 'edit ' .. fnameescape(file)
  endif
  if !Attach(bufnr('%'))
    return v:null
  endif
  var arg: dict<any> = {uris: [docs[bufnr('%')].uri]}
  if Opt('relay_url', '') != ''
    arg.relayUrl = Opt('relay_url', '')
  endif
  var res = Run('weft.share', [arg])
  if type(res) == v:t_dict
    last_share = res
    setreg('"', res.inviteLink)
    if has('clipboard')
      silent! setreg('+', res.inviteLink)
    endif
    Notify('sharing; invite link (copied): ' .. res.inviteLink
      .. (has_key(res, 'readOnlyInviteLink') ? '  read-only link: ' .. res.readOnlyInviteLink : ''))
  endif
  return res
enddef

# Shares the whole workspace folder (the server's root): every file not ignored, kept in sync on disk.
export def ShareWorkspace(): any
  var arg: dict<any> = {}
  if Opt('relay_url', '') != ''
    arg.relayUrl = Opt('relay_url', '')
  endif
  var res = Run('weft.shareWorkspace', [arg])
  if type(res) == v:t_dict
    last_share = res
    setreg('"', res.inviteLink)
    if has('clipboard')
      silent! setreg('+', res.inviteLink)
    endif
    Notify('sharing the workspace (' .. get(res, 'files', 0) .. ' files); invite link (copied): ' .. res.inviteLink)
  endif
  return res
enddef

export def Join(link: string): any
  var res = Run('weft.join', [{link: trim(link)}])
  if type(res) == v:t_dict
    var i = 0
    for uri in get(res, 'documents', [])
      var path = UriToPath(uri)
      # silent: the file message ("main.tex" 30L, 1200B) and ours would need a "Press ENTER".
      execute 'silent ' .. (i == 0 ? 'edit ' : 'badd ') .. fnameescape(path)
      Attach(bufnr(path))
      i += 1
    endfor
    Notify(printf('joined room %s (%d documents)', get(res, 'room', '?'), len(get(res, 'documents', []))))
  endif
  return res
enddef

export def Leave()
  Run('weft.leave')
  for bufnr in keys(docs)
    ClearCursors(str2nr(bufnr))
  endfor
  cursors = {}
  following = ''
enddef

export def Undo(redo = false)
  Run(redo ? 'weft.redo' : 'weft.undo', [{uri: PathToUri(simplify(expand('%:p')))}])
enddef

# :WeftBlame: a scratch window listing, for each line of the current file, who typed its uncommitted characters
# (line number, authors or '-', the line), like `bin/weft blame` (docs/git.md). Returns the weft.blame result.
export def Blame(): any
  var lines = getline(1, '$')
  var name = expand('%:t')
  var res = Run('weft.blame', [{uri: PathToUri(simplify(expand('%:p')))}])
  if type(res) != v:t_dict
    return res
  endif
  var out: list<string> = []
  for l in get(res, 'lines', [])
    var who = mapnew(get(l, 'authors', []), (_, a) => a == '?' ? 'someone unknown' : a)
    out->add(printf('%d	%s	%s', l.line + 1, empty(who) ? '-' : join(who, ', '), get(lines, l.line, '')))
  endfor
  execute 'botright new'
  setlocal buftype=nofile bufhidden=wipe noswapfile nobuflisted
  execute 'file' fnameescape('weft-blame://' .. name)
  setline(1, out)
  setlocal nomodifiable
  return res
enddef

def ReportProblems(res: dict<any>)
  for p in get(res, 'problems', [])
    Notify(p, true)
  endfor
enddef

# :WeftStageMine: exactly your changes into the git index; the others' stay in the working tree.
export def StageMine(): any
  silent! wall
  var res = Run('weft.stageMine', [{}])
  if type(res) == v:t_dict
    Notify(printf('staged your changes in %d files as %s', len(get(res, 'staged', [])), get(res, 'as', '?')))
    ReportProblems(res)
  endif
  return res
enddef

# :WeftCommit MSG: commits the index with Co-authored-by trailers for the other authors of the staged changes.
export def Commit(message: string): any
  if trim(message) == ''
    Notify('usage: :WeftCommit MESSAGE', true)
    return v:null
  endif
  var res = Run('weft.commit', [{message: message}])
  if type(res) == v:t_dict
    var trailers = get(res, 'trailers', [])
    Notify('committed ' .. join(mapnew(get(res, 'commits', []), (_, c) => c[: 6]), ', ')
      .. (empty(trailers) ? ' (no co-authors)' : ' with ' .. join(trailers, ', ')))
    ReportProblems(res)
  endif
  return res
enddef

export def PrintStatus()
  var st = Run('weft.status')
  if type(st) == v:t_dict
    status = st
    var names = mapnew(get(st, 'participants', []), (_, p) => get(p, 'name', '?'))
    echo printf('Weft: %s%s, room %s, %d unsent, %d repairs, participants: %s%s', get(st, 'state', '?'),
      get(st, 'paused', false) ? ' (paused)' : '', get(st, 'room', '-'), get(st, 'unsent', 0),
      get(st, 'repairs', 0), join(names, ', '), following != '' ? ', following ' .. following : '')
  endif
enddef

export def Invite()
  var link = get(status, 'inviteLink', get(last_share, 'inviteLink', ''))
  var ro = get(status, 'readOnlyInviteLink', get(last_share, 'readOnlyInviteLink', ''))
  if link == ''
    Notify('not sharing a session', true)
    return
  endif
  setreg('"', link)
  if has('clipboard')
    silent! setreg('+', link)
  endif
  echo link .. (ro != '' ? '  read-only link: ' .. ro : '')
enddef

export def ShowLog()
  new
  setlocal buftype=nofile bufhidden=wipe noswapfile
  setline(1, server_log)
  file [weft-log]
enddef

# Attaches a buffer that opens while the server runs (filetypes in g:weft_filetypes, '*' for all).
export def MaybeAttach(bufnr: number)
  if !Running() || bufname(bufnr) == '' || getbufvar(bufnr, '&buftype') != ''
    return
  endif
  var fts = Opt('filetypes', '*')
  if type(fts) == v:t_string && fts == '*' || type(fts) == v:t_list && index(fts, getbufvar(bufnr, '&filetype')) >= 0
    Attach(bufnr)
  endif
enddef

export def Stop()
  if chan != null && ch_status(chan) == 'open'
    Request('shutdown', v:null, 2000)
    Notification('exit', v:null)
  endif
  if job != null
    job_stop(job)
  endif
enddef
