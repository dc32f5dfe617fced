vim9script
# Drives a headless Vim 9 through a Weft session with samples/editors/vim (loaded through 'runtimepath' as a user
# does), step by step. Run: vim -N -u NONE -i NONE -n -es -S run_steps.vim (cwd = the workspace folder).
# Environment: WEFT_E2E_CONFIG (the plugin folder samples/editors/vim), WEFT_E2E_STEPS, WEFT_E2E_OUT, WEFT_E2E_CMD,
# WEFT_E2E_NAME / _COLOR / _RELAY / _DATA, WEFT_E2E_TIMEOUT (see steps.md). Exit code 0 when every step passed;
# 1 otherwise, with the reason in $WEFT_E2E_OUT/failure.txt and the buffer in failed-buffer.txt.
#
# Headless Vim never redraws, so nothing would call the plugin's listener_add callbacks: each wait loop and each
# typed key calls listener_flush(), as a redraw after a keystroke does in an interactive Vim.

def Env(name: string, default: string): string
  var v = getenv(name)
  return v == v:null || v == '' ? default : v
enddef

const OUT = Env('WEFT_E2E_OUT', '.')
const TIMEOUT_MS = str2nr(Env('WEFT_E2E_TIMEOUT', '20')) * 1000
const started = reltime()
var log_lines: list<string> = []

def Log(msg: string)
  log_lines->add(printf('[vim %6.2fs] %s', reltimefloat(reltime(started)), msg))
  writefile(log_lines[-1 :], OUT .. '/vim-steps.log', 'a')
enddef

def Fail(msg: string)
  throw 'weft_fail: ' .. msg
enddef

# Bytes of a file as a string (readfile() with 'b' keeps the final line break state).
def Slurp(path: string): any
  if !filereadable(path)
    return v:null
  endif
  var lines = readfile(path, 'b')
  return join(lines, "\n")
enddef

# Written to a temporary name and renamed, so a driver polling for the file never reads it half-written.
def WriteFile(path: string, text: string)
  writefile(split(text, "\n", 1), path .. '.part', 'b')
  rename(path .. '.part', path)
enddef

def Unescape(s: string): string
  return substitute(s, '\\\(.\)', '\=get({n: "\n", t: "\t", r: "\r", "\\": "\\"}, submatch(1), submatch(1))', 'g')
enddef

# Configure Weft exactly as a user would: the plugin folder on 'runtimepath', options in g:weft_*.
set nocompatible noswapfile hidden virtualedit=onemore
g:weft_cmd = filereadable(Env('WEFT_E2E_CMD', '')) ? readfile(Env('WEFT_E2E_CMD', '')) : []
g:weft_user_name = Env('WEFT_E2E_NAME', 'vim')
g:weft_color = Env('WEFT_E2E_COLOR', '')
g:weft_relay_url = Env('WEFT_E2E_RELAY', '')
g:weft_transport = Env('WEFT_E2E_TRANSPORT', '')
g:weft_lan_label = Env('WEFT_E2E_LAN_LABEL', '')
g:weft_data_dir = Env('WEFT_E2E_DATA', '')
g:weft_verify_interval = 0
g:weft_notify_status = 1 # the default: the messages a user sees are part of what the tests check
execute 'set runtimepath^=' .. fnameescape(Env('WEFT_E2E_CONFIG', getcwd()))
runtime plugin/weft.vim
syntax off
filetype on
import autoload 'weft.vim'

def Text(): string
  return weft.BufferText(bufnr('%'))
enddef

def Pump()
  listener_flush()
  sleep 10m
enddef

def WaitFor(what: string, Cond: func(): any)
  var start = reltime()
  while !Cond()
    if reltimefloat(reltime(start)) * 1000 > TIMEOUT_MS
      Fail(printf('timed out after %d ms waiting for %s', TIMEOUT_MS, what))
    endif
    Pump()
  endwhile
enddef

# Byte offset in Text() -> [lnum, byte col] (1-based line, 0-based byte column).
def OffsetToPos(offset: number): list<number>
  var nl = &fileformat == 'dos' ? 2 : 1
  var pos = 0
  var lnum = 1
  for line in getline(1, '$')
    if offset <= pos + len(line)
      return [lnum, offset - pos]
    endif
    pos += len(line) + nl
    lnum += 1
  endfor
  return [line('$'), len(getline('$'))]
enddef

# Byte offset just after the first occurrence of `anchor` ([start, end) offsets).
def Find(anchor: string): list<number>
  var i = stridx(Text(), anchor)
  if i < 0
    Fail(printf('anchor "%s" not found in buffer', anchor))
  endif
  return [i, i + len(anchor)]
enddef

def Execute(command: string, args: list<any> = []): any
  var res = weft.Execute(command, args)
  if has_key(res, 'error')
    Fail(command .. ' failed: ' .. string(res.error))
  endif
  return get(res, 'result', v:null)
enddef

var steps: dict<func> = {}

steps.share = (path: string) => {
  execute 'edit ' .. fnameescape(path)
  var res = weft.Share()
  if type(res) != v:t_dict || !has_key(res, 'inviteLink')
    Fail('weft.share returned no invite link: ' .. string(res))
  endif
  WriteFile(OUT .. '/link.txt', res.inviteLink)
  WriteFile(OUT .. '/share-messages.txt', execute('messages'))
  Log('shared ' .. path .. ': ' .. res.inviteLink)
}

steps.join = (linkfile: string) => {
  WaitFor('invite link in ' .. linkfile, () => filereadable(linkfile))
  var before = len(split(execute('messages'), "\n"))
  var res = weft.Join(trim(join(readfile(linkfile), "\n")))
  # The lines the join itself printed: more than one would stop at a "Press ENTER" prompt.
  WriteFile(OUT .. '/join-messages.txt', join(split(execute('messages'), "\n")[before :], "\n") .. "\n")
  if type(res) != v:t_dict || empty(get(res, 'documents', []))
    Fail('weft.join returned no documents: ' .. string(res))
  endif
  Log('joined room ' .. res.room)
}

steps.open = (path: string) => {
  execute 'edit ' .. fnameescape(path)
  weft.Attach(bufnr('%'))
}

# type <anchor> <text>: types text with Insert mode commands after the first occurrence of anchor, one character
# at a time. The caret is Vim's cursor, so remote edits before it move it as they do for a user.
steps.type = (anchor: string, text: string) => {
  var [lnum, col] = OffsetToPos(Find(anchor)[1])
  cursor(lnum, col + 1)
  for ch in split(text, '\zs')
    lnum = line('.')
    col = col('.') - 1
    if ch == "\n"
      execute "normal! i\<CR>"
      cursor(lnum + 1, 1)
    else
      execute 'normal! i' .. ch
      cursor(lnum, col + len(ch) + 1)
    endif
    listener_flush()
    sleep 5m
  endfor
}

# Wall-clock milliseconds (Vim's reltime() is gettimeofday(); Neovim's driver uses the same clock).
def WallMs(): float
  return reltimefloat(reltime()) * 1000.0
enddef

# typetimed <anchor> <n> <ms>: type n letters right after anchor, one every ms, writing each key's wall-clock time
# (ms) to $WEFT_E2E_OUT/sent.txt (latency benchmark).
steps.typetimed = (anchor: string, n: string, ms: string) => {
  var [lnum, col] = OffsetToPos(Find(anchor)[1])
  var times: list<string> = []
  for k in range(str2nr(n))
    cursor(lnum, col + 1)
    add(times, printf('%.3f', WallMs()))
    execute 'normal! i' .. nr2char(97 + k % 26)
    col += 1
    listener_flush()
    execute 'sleep ' .. ms .. 'm'
  endfor
  writefile(times, OUT .. '/sent.txt')
}

# watchtimed <anchor> <n>: until n characters follow anchor on its line, write the wall-clock time (ms) at which
# the k-th arrived to $WEFT_E2E_OUT/received.txt (polling every millisecond).
steps.watchtimed = (anchor: string, n: string) => {
  var want = str2nr(n)
  var times: list<string> = []
  var start = reltime()
  while len(times) < want
    var [lnum, col] = OffsetToPos(Find(anchor)[1])
    var have = len(getline(lnum)) - col
    var now = printf('%.3f', WallMs())
    while len(times) < min([have, want])
      add(times, now)
    endwhile
    if reltimefloat(reltime(start)) * 1000 > TIMEOUT_MS
      Fail(printf('timed out after %d ms waiting for %d characters after %s (have %d)', TIMEOUT_MS, want, anchor, len(times)))
    endif
    sleep 1m
  endwhile
  writefile(times, OUT .. '/received.txt')
}

steps.delete = (text: string) => {
  var [s, e] = Find(text)
  var [l1, c1] = OffsetToPos(s)
  var [l2, c2] = OffsetToPos(e)
  if l1 != l2
    Fail('delete within one line only: ' .. text)
  endif
  cursor(l1, c1 + 1)
  execute 'normal! ' .. strchars(text) .. 'x'
  listener_flush()
}

steps.wait = (text: string) => {
  WaitFor(printf('buffer to contain "%s"', text), () => stridx(Text(), text) >= 0)
}

steps.gone = (text: string) => {
  WaitFor(printf('buffer to lose "%s"', text), () => stridx(Text(), text) < 0)
}

steps.lacks = (text: string) => {
  if stridx(Text(), text) >= 0
    Fail(printf('buffer contains "%s" but must not (yet)', text))
  endif
}

steps.expect = (file: string) => {
  var want = Slurp(file)
  if want == v:null
    Fail('missing expected-content file ' .. file)
  endif
  var start = reltime()
  while Text() !=# want
    if reltimefloat(reltime(start)) * 1000 > TIMEOUT_MS
      Fail(printf('buffer never became the expected text (%d bytes, have %d)', len(want), len(Text())))
    endif
    Pump()
  endwhile
}

steps.signal = (name: string) => {
  WriteFile(OUT .. '/' .. name, "ok\n")
}

steps.await = (path: string) => {
  WaitFor('file ' .. path, () => filereadable(path))
}

def AwaitStatus(what: string, Ok: func(dict<any>): bool)
  var start = reltime()
  var st: any = {}
  while true
    st = Execute('weft.status')
    if type(st) == v:t_dict && Ok(st)
      return
    endif
    if reltimefloat(reltime(start)) * 1000 > TIMEOUT_MS
      Fail(printf('timed out waiting for %s; last status %s', what, string(st)))
    endif
    Pump()
    sleep 40m
  endwhile
enddef

steps.settle = () => {
  AwaitStatus('all changes to be acknowledged', (st) => st.state == 'connected' && get(st, 'unsent', 0) == 0)
}

steps.state = (want: string) => {
  AwaitStatus('state ' .. want, (st) => index(split(want, '|'), st.state) >= 0)
}

# statusline <a|b>: until the plugin's statusline component shows one of these states.
steps.statusline = (want: string) => {
  WaitFor('statusline showing ' .. want, () => len(filter(split(want, '|'), (_, s) => stridx(weft.Statusline(), s) >= 0)) > 0)
}

steps.verify = () => {
  var box: dict<any> = {done: false, msg: {}}
  weft.Verify(bufnr('%'), (m) => {
    box.msg = m
    box.done = true
  })
  WaitFor('weft/verify reply', () => box.done)
  if get(get(box.msg, 'result', {}), 'ok', false) != true
    Fail('weft/verify did not confirm the buffer: ' .. string(box.msg))
  endif
}

steps.cursor = (name: string) => {
  WaitFor('remote cursor of ' .. name, () => index(weft.DrawnCursors(bufnr('%')), name) >= 0)
}

steps.select = (text: string) => {
  var [lnum, col] = OffsetToPos(Find(text)[1])
  cursor(lnum, col + 1)
  weft.SendSelection()
}

# visual <text>: a charwise visual selection of exactly text (cursor on its last character, then on its first) is
# reported as the LSP range of text (Vim's selection includes the character under the cursor).
steps.visual = (text: string) => {
  var [i, j] = Find(text)
  var lastlen = len(strcharpart(text, strchars(text) - 1))
  var [l1, c1] = OffsetToPos(i)
  var [l2, c2] = OffsetToPos(j - lastlen)
  var [le, ce] = OffsetToPos(j)
  var U16 = (l: number, c: number) => len(str2list(strpart(getline(l), 0, c))) + len(filter(str2list(strpart(getline(l), 0, c)), (_, x) => x > 0xFFFF))
  var want_start = {line: l1 - 1, character: U16(l1, c1)}
  var want_end = {line: le - 1, character: U16(le, ce)}
  var [a, v] = weft.SelectionOf('v', [l1, c1 + 1], [l2, c2 + 1])
  if a != want_start || v != want_end
    Fail(printf('visual "%s" forwards: anchor %s active %s, expected %s %s', text, a, v, want_start, want_end))
  endif
  [a, v] = weft.SelectionOf('v', [l2, c2 + 1], [l1, c1 + 1])
  if a != want_end || v != want_start
    Fail(printf('visual "%s" backwards: anchor %s active %s, expected %s %s', text, a, v, want_end, want_start))
  endif
}

# cursorcolor <name> <n>: the label of name is drawn in cterm colour n (terminals without 'termguicolors').
steps.cursorcolor = (name: string, n: string) => {
  WaitFor('remote cursor of ' .. name, () => index(weft.DrawnCursors(bufnr('%')), name) >= 0)
  for label in weft.DrawnLabels(bufnr('%'))
    if label.name == name && synIDattr(hlID(label.highlight), 'fg', 'cterm') != n
      Fail(printf('%s is drawn in cterm colour %s, expected %s', name, synIDattr(hlID(label.highlight), 'fg', 'cterm'), n))
    endif
  endfor
}

steps.nomessage = (text: string) => {
  if stridx(execute('messages'), text) >= 0
    Fail(printf('the messages contain "%s":%s', text, execute('messages')))
  endif
}

steps.follow = (name: string) => {
  execute 'WeftFollow ' .. name
}

# caret <text>: until the caret is right after the first occurrence of text (following somebody).
steps.caret = (text: string) => {
  WaitFor('the caret after "' .. text .. '"', () => {
    var i = stridx(Text(), text)
    return i >= 0 && OffsetToPos(i + len(text)) == [line('.'), col('.') - 1]
  })
}

steps.undo = () => {
  Execute('weft.undo', [{uri: 'file://' .. expand('%:p')}])
}

steps.redo = () => {
  Execute('weft.redo', [{uri: 'file://' .. expand('%:p')}])
}

# blame <name>: :WeftBlame; the scratch window's lines go to $OUT/<name>, then the window is closed.
steps.blame = (name: string) => {
  execute 'WeftBlame'
  WriteFile(OUT .. '/' .. name, join(getline(1, '$'), "\n") .. "\n")
  close
}

steps.stagemine = () => {
  execute 'WeftStageMine'
}

steps.gitcommit = (message: string) => {
  execute 'WeftCommit ' .. message
}

steps.command = (name: string, args: string, ...rest: list<string>) => {
  var expected = get(rest, 0, '')
  var res = Execute(name, json_decode(args != '' ? args : '[]'))
  if expected != ''
    for [k, v] in items(json_decode(expected))
      if type(res) != v:t_dict || get(res, k, v:null) != v
        Fail(printf('%s: %s = %s, expected %s', name, k, string(type(res) == v:t_dict ? get(res, k, v:null) : res), string(v)))
      endif
    endfor
  endif
}

steps.servertext = (command: string) => {
  var res = Execute(command, [{uri: 'file://' .. expand('%:p')}])
  if type(res) != v:t_string || res !=# Text()
    Fail(printf('server text %s differs from buffer %s', string(res), string(Text())))
  endif
}

steps.dump = (name: string) => {
  WriteFile(OUT .. '/' .. name, Text())
}

steps.sleep = (ms: string) => {
  var start = reltime()
  while reltimefloat(reltime(start)) * 1000 < str2nr(ms)
    Pump()
  endwhile
}

def Run()
  var n = 0
  for line in readfile(Env('WEFT_E2E_STEPS', 'steps.txt'))
    n += 1
    if line =~ '^#' || line == ''
      continue
    endif
    var fields = split(line, "\t", 1)->mapnew((_, f) => Unescape(f))
    var name = fields->remove(0)
    if !has_key(steps, name)
      Fail(printf('unknown step "%s" on line %d', name, n))
    endif
    Log(printf('step %d: %s', n, line))
    try
      call(steps[name], fields)
    catch
      var reason = substitute(v:exception, '^weft_fail: ', '', '')
      throw printf('weft_fail: step %d (%s) failed: %s (at %s)', n, line, reason, v:throwpoint)
    endtry
  endfor
enddef

try
  Run()
  Log('all steps passed')
  qall!
catch
  var reason = substitute(v:exception, '^weft_fail: ', '', '')
  Log('FAILED: ' .. reason)
  silent! WriteFile(OUT .. '/failed-buffer.txt', Text())
  silent! WriteFile(OUT .. '/messages.txt', execute('messages'))
  WriteFile(OUT .. '/failure.txt', reason .. "\n")
  cquit 1
endtry
