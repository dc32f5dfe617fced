-- Drives a headless Neovim through a Weft session with samples/editors/nvim/weft.lua, step by step.
-- Run: nvim --headless -u NONE -c 'luafile run_steps.lua' (cwd = the workspace folder). Environment:
--   WEFT_E2E_CONFIG  path of weft.lua           WEFT_E2E_STEPS  steps file (see steps.md)
--   WEFT_E2E_OUT     output directory           WEFT_E2E_CMD    server command, one argument per line
--   WEFT_E2E_NAME / WEFT_E2E_COLOR / WEFT_E2E_RELAY / WEFT_E2E_DATA   initializationOptions
--   WEFT_E2E_TIMEOUT seconds for each wait step (default 20)
-- Exit code 0 when every step passed; 1 otherwise, with the reason on stderr and the buffer in
-- $WEFT_E2E_OUT/failed-buffer.txt.

local env = function(k, d)
  local v = os.getenv(k)
  if v == nil or v == '' then return d end
  return v
end
local OUT = env('WEFT_E2E_OUT', '.')
local TIMEOUT_MS = tonumber(env('WEFT_E2E_TIMEOUT', '20')) * 1000
local started = vim.loop.hrtime()

local function log(fmt, ...)
  local msg = string.format('[nvim %6.2fs] ' .. fmt, (vim.loop.hrtime() - started) / 1e9, ...)
  io.stderr:write(msg .. '\n')
end

local function read_file(path)
  local f = io.open(path, 'rb')
  if not f then return nil end
  local s = f:read('*a')
  f:close()
  return s
end

-- Written to a temporary name and renamed, so a driver polling for the file never reads it half-written.
local function write_file(path, text)
  local f = assert(io.open(path .. '.part', 'wb'))
  f:write(text)
  f:close()
  assert(os.rename(path .. '.part', path))
end

local function lines_of(path)
  local s = read_file(path)
  local out = {}
  for line in (s or ''):gmatch('([^\n]*)\n?') do
    if line ~= '' then table.insert(out, line) end
  end
  return out
end

local function unescape(s)
  return (s or ''):gsub('\\(.)', { n = '\n', t = '\t', r = '\r', ['\\'] = '\\' })
end

-- Configure Weft exactly as a user would.
vim.o.swapfile = false
vim.o.hidden = true
local weft = dofile(env('WEFT_E2E_CONFIG', 'weft.lua'))
local cmd = nil
if os.getenv('WEFT_E2E_CMD') then
  cmd = lines_of(os.getenv('WEFT_E2E_CMD'))
end
weft.setup({
  cmd = cmd,
  user_name = env('WEFT_E2E_NAME', 'nvim'),
  color = env('WEFT_E2E_COLOR', nil),
  relay_url = env('WEFT_E2E_RELAY', nil),
  transport = env('WEFT_E2E_TRANSPORT', nil),
  lan_label = env('WEFT_E2E_LAN_LABEL', nil),
  data_dir = env('WEFT_E2E_DATA', nil),
  root_dir = vim.fn.getcwd(),
  filetypes = '*',
  notify_status = true, -- the default: the messages a user sees are part of what the tests check
  verify_interval = 0,
  log_level = env('WEFT_E2E_LSP_LOG', nil),
  server_log = env('WEFT_E2E_SERVER_LOG', nil),
})

-- The buffer's text as the server sees it (lines joined by the file's line ending, final newline).
local function buffer_text(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local eol = ({ dos = '\r\n', mac = '\r' })[vim.bo[bufnr].fileformat] or '\n'
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), eol)
  if vim.bo[bufnr].eol then text = text .. eol end
  return text, eol
end

-- (row, byte col) of a byte offset in buffer_text().
local function offset_to_pos(bufnr, offset)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)
  local _, eol = buffer_text(bufnr)
  local pos = 0
  for i, line in ipairs(lines) do
    if offset <= pos + #line then
      return i - 1, offset - pos
    end
    pos = pos + #line + #eol
  end
  return #lines - 1, #lines[#lines]
end

local function fail(fmt, ...)
  error({ weft_fail = string.format(fmt, ...) })
end

local function wait_for(what, cond)
  local ok = vim.wait(TIMEOUT_MS, cond, 20)
  if not ok then
    fail('timed out after %d ms waiting for %s', TIMEOUT_MS, what)
  end
end

local function insert_at(bufnr, offset, text)
  local row, col = offset_to_pos(bufnr, offset)
  vim.api.nvim_buf_set_text(bufnr, row, col, row, col, vim.split(text, '\n', true))
end

local function find(anchor)
  local text = buffer_text()
  local s, e = text:find(anchor, 1, true)
  if not s then
    fail('anchor %q not found in buffer', anchor)
  end
  return s, e
end

local steps = {}

-- share <relpath>: open the file, share it, write the invite link to $OUT/link.txt.
function steps.share(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local res = weft.share()
  if not res or not res.inviteLink then
    fail('weft.share returned no invite link: %s', vim.inspect(res))
  end
  write_file(OUT .. '/link.txt', res.inviteLink)
  write_file(OUT .. '/share-messages.txt', vim.fn.execute('messages'))
  log('shared %s: %s', path, res.inviteLink)
end

-- join <file holding the link>: wait for the link, join, the first document becomes current.
function steps.join(linkfile)
  wait_for('invite link in ' .. linkfile, function() return read_file(linkfile) ~= nil end)
  local link = vim.trim(read_file(linkfile))
  local before = #vim.split(vim.fn.execute('messages'), '\n', true)
  local res = weft.join(link)
  -- The lines the join itself printed: more than one would stop at a "Press ENTER" prompt.
  local after = vim.split(vim.fn.execute('messages'), '\n', true)
  write_file(OUT .. '/join-messages.txt', table.concat(vim.list_slice(after, before + 1), '\n') .. '\n')
  -- A shared workspace (res.workspace) writes its files to disk; its buffers are opened with "open".
  if not res or ((not res.documents or #res.documents == 0) and not res.workspace) then
    fail('weft.join returned no documents: %s', vim.inspect(res))
  end
  log('joined room %s, documents %s', tostring(res.room), table.concat(res.documents or {}, ' '))
end

-- open <relpath>: open a file and attach Weft to it.
function steps.open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  weft.attach(0)
end

-- type <anchor> <text>: type text after the first occurrence of anchor, one character at a time.
-- The caret is an extmark, so remote edits before it move it as they move a real cursor.
local caret_ns = vim.api.nvim_create_namespace('weft_e2e_caret')
function steps.type(anchor, text)
  local bufnr = vim.api.nvim_get_current_buf()
  local _, e = find(anchor)
  local row, col = offset_to_pos(bufnr, e)
  local mark = vim.api.nvim_buf_set_extmark(bufnr, caret_ns, row, col, { right_gravity = true })
  for _, ch in ipairs(vim.fn.split(text, '\\zs')) do
    local pos = vim.api.nvim_buf_get_extmark_by_id(bufnr, caret_ns, mark, {})
    vim.api.nvim_buf_set_text(bufnr, pos[1], pos[2], pos[1], pos[2], vim.split(ch, '\n', true))
    vim.wait(5) -- let the client send didChange and the server's messages arrive, like a typist
  end
  vim.api.nvim_buf_del_extmark(bufnr, caret_ns, mark)
end

-- Wall-clock milliseconds (the same clock as Vim's reltime(), so two editors' times compare).
local function wall_ms()
  local sec, usec = vim.loop.gettimeofday()
  return sec * 1000 + usec / 1000
end

-- typetimed <anchor> <n> <ms>: type n letters right after anchor, one every ms, writing each key's wall-clock time
-- (ms) to $WEFT_E2E_OUT/sent.txt (latency benchmark).
function steps.typetimed(anchor, n, ms)
  local bufnr = vim.api.nvim_get_current_buf()
  local _, e = find(anchor)
  local row, col = offset_to_pos(bufnr, e)
  local times = {}
  for k = 1, tonumber(n) do
    local ch = string.char(97 + (k - 1) % 26)
    times[k] = string.format('%.3f', wall_ms())
    vim.api.nvim_buf_set_text(bufnr, row, col, row, col, { ch })
    col = col + 1
    vim.wait(tonumber(ms))
  end
  local f = assert(io.open(OUT .. '/sent.txt', 'w'))
  f:write(table.concat(times, '\n') .. '\n')
  f:close()
end

-- watchtimed <anchor> <n>: until n characters follow anchor on its line, write the wall-clock time (ms) at which
-- the k-th arrived to $WEFT_E2E_OUT/received.txt (polling every millisecond).
function steps.watchtimed(anchor, n)
  n = tonumber(n)
  local bufnr = vim.api.nvim_get_current_buf()
  local times = {}
  local seen = 0
  wait_for(string.format('%d characters after %q', n, anchor), function()
    local _, e = find(anchor)
    local row, col = offset_to_pos(bufnr, e)
    local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
    local have = #line - col
    local now = wall_ms()
    while seen < math.min(have, n) do
      seen = seen + 1
      times[seen] = string.format('%.3f', now)
    end
    return seen >= n
  end)
  local f = assert(io.open(OUT .. '/received.txt', 'w'))
  f:write(table.concat(times, '\n') .. '\n')
  f:close()
end

-- delete <text>: delete the first occurrence of text.
function steps.delete(text)
  local bufnr = vim.api.nvim_get_current_buf()
  local s, e = find(text)
  local r1, c1 = offset_to_pos(bufnr, s - 1)
  local r2, c2 = offset_to_pos(bufnr, e)
  vim.api.nvim_buf_set_text(bufnr, r1, c1, r2, c2, { '' })
end

-- wait <text>: until the buffer contains text.
function steps.wait(text)
  wait_for(string.format('buffer to contain %q', text), function()
    return buffer_text():find(text, 1, true) ~= nil
  end)
end

-- gone <text>: until the buffer no longer contains text; lacks <text>: it must not contain it now.
function steps.gone(text)
  wait_for(string.format('buffer to lose %q', text), function()
    return buffer_text():find(text, 1, true) == nil
  end)
end
function steps.lacks(text)
  if buffer_text():find(text, 1, true) then
    fail('buffer contains %q but must not (yet)', text)
  end
end

-- expect <file>: until the buffer equals the file's content exactly.
function steps.expect(file)
  local want = read_file(file)
  if want == nil then fail('missing expected-content file %s', file) end
  local ok = vim.wait(TIMEOUT_MS, function() return buffer_text() == want end, 20)
  if not ok then
    fail('buffer never became the expected text (%d bytes, have %d)', #want, #buffer_text())
  end
end

-- signal <name>: create $OUT/<name>; await <path>: until that file exists.
function steps.signal(name) write_file(OUT .. '/' .. name, 'ok\n') end
function steps.await(path)
  wait_for('file ' .. path, function() return read_file(path) ~= nil end)
end

-- settle: until the server is connected and has no unsent change.
function steps.settle()
  local deadline = vim.loop.now() + TIMEOUT_MS
  local st
  repeat
    st = weft.execute('weft.status', {})
    if st ~= nil and st.state == 'connected' and (st.unsent or 0) == 0 then
      return
    end
    vim.wait(50)
  until vim.loop.now() > deadline
  fail('timed out waiting for all changes to be acknowledged; last status %s', vim.inspect(st))
end

-- state <a|b>: until weft.status reports one of these connection states (offline, reconnecting, ...).
function steps.state(want)
  local deadline = vim.loop.now() + TIMEOUT_MS
  local st
  repeat
    st = weft.execute('weft.status', {})
    if st ~= nil and vim.tbl_contains(vim.split(want, '|', true), st.state) then
      return
    end
    vim.wait(50)
  until vim.loop.now() > deadline
  fail('timed out waiting for state %s; last status %s', want, vim.inspect(st))
end

-- verify: weft/verify must report the buffer equal to the server's view.
function steps.verify()
  local res, done = nil, false
  weft.verify(0, function(err, r) res = r or err; done = true end)
  wait_for('weft/verify reply', function() return done end)
  if not res or res.ok ~= true then
    fail('weft/verify did not confirm the buffer: %s', vim.inspect(res))
  end
end

-- cursor <name>: until a remote cursor of that participant is drawn in the current buffer.
function steps.cursor(name)
  local bufnr = vim.api.nvim_get_current_buf()
  wait_for('remote cursor of ' .. name, function()
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, weft.ns, 0, -1, { details = true })) do
      local vt = m[4] and m[4].virt_text
      if vt and vt[1] and vt[1][1]:find(name, 1, true) then return true end
    end
    return false
  end)
end

-- select <text>: put the caret right after the first occurrence of text and report the selection.
function steps.select(text)
  local bufnr = vim.api.nvim_get_current_buf()
  local _, e = find(text)
  local row, col = offset_to_pos(bufnr, e)
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  weft.send_selection()
end

-- visual <text>: a charwise visual selection of exactly text (cursor on its last character, then on its first)
-- must be reported as the LSP range of text (Vim's selection includes the character under the cursor).
function steps.visual(text)
  local bufnr = vim.api.nvim_get_current_buf()
  local s, e = find(text)
  local all = buffer_text()
  local last = e + vim.str_utf_start(all, e) -- 1-based first byte of the last character
  local r1, c1 = offset_to_pos(bufnr, s - 1)
  local r2, c2 = offset_to_pos(bufnr, last - 1)
  local re, ce = offset_to_pos(bufnr, e)
  local function lsp(row, col)
    local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
    local _, u16 = vim.str_utfindex(line, col)
    return { line = row, character = u16 }
  end
  local want_start, want_end = lsp(r1, c1), lsp(re, ce)
  local a, v = weft.selection_of(bufnr, 'v', { r1, c1 }, { r2, c2 }, 'utf-16')
  if not (vim.deep_equal(a, want_start) and vim.deep_equal(v, want_end)) then
    fail('visual %q forwards: anchor %s active %s, expected %s %s', text, vim.inspect(a), vim.inspect(v),
      vim.inspect(want_start), vim.inspect(want_end))
  end
  a, v = weft.selection_of(bufnr, 'v', { r2, c2 }, { r1, c1 }, 'utf-16')
  if not (vim.deep_equal(a, want_end) and vim.deep_equal(v, want_start)) then
    fail('visual %q backwards: anchor %s active %s, expected %s %s', text, vim.inspect(a), vim.inspect(v),
      vim.inspect(want_end), vim.inspect(want_start))
  end
end

-- follow <name>: :WeftFollow name.
function steps.follow(name) vim.cmd('WeftFollow ' .. name) end

-- caret <text>: until the cursor is right after the first occurrence of text.
function steps.caret(text)
  wait_for('the caret after ' .. text, function()
    local s, e = buffer_text():find(text, 1, true)
    if not s then return false end
    local row, col = offset_to_pos(vim.api.nvim_get_current_buf(), e)
    local cur = vim.api.nvim_win_get_cursor(0)
    return cur[1] == row + 1 and cur[2] == col
  end)
end

-- statusline <a|b>: until the evaluated statusline shows one of these words.
function steps.statusline(want)
  local last = ''
  local ok = vim.wait(TIMEOUT_MS, function()
    last = vim.api.nvim_eval_statusline(vim.o.statusline, {}).str
    for _, w in ipairs(vim.split(want, '|', true)) do
      if last:find(w, 1, true) then return true end
    end
    return false
  end, 20)
  if not ok then fail('statusline never showed %s; it shows %q', want, last) end
end

-- nohints: no diagnostic in the buffer says that somebody "is here" (remote carets are drawn as extmarks).
function steps.nohints()
  vim.wait(500)
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.message:find('is here', 1, true) then
      fail('a remote caret is also shown as a diagnostic: %s', vim.inspect(d))
    end
  end
end

-- cursorcolor <name> <n>: the caret label of name is drawn in cterm colour n (terminals without termguicolors).
function steps.cursorcolor(name, n)
  steps.cursor(name)
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(0, weft.ns, 0, -1, { details = true })) do
    local vt = m[4] and m[4].virt_text
    if vt and vt[1] and vt[1][1]:find(name, 1, true) then
      local hl = vim.api.nvim_get_hl_by_name(vt[1][2], false)
      if hl.foreground ~= tonumber(n) then
        fail('%s is drawn in cterm colour %s, expected %s', name, tostring(hl.foreground), n)
      end
      return
    end
  end
end

-- nomessage <text>: no message so far contains text.
function steps.nomessage(text)
  local msgs = vim.fn.execute('messages')
  if msgs:find(text, 1, true) then fail('the messages contain %q:\n%s', text, msgs) end
end

-- undo: weft.undo for the current buffer.
function steps.undo()
  local _, err = weft.execute('weft.undo', { { uri = vim.uri_from_bufnr(0) } })
  if err then fail('weft.undo failed: %s', err) end
end

-- redo: weft.redo for the current buffer.
function steps.redo()
  local _, err = weft.execute('weft.redo', { { uri = vim.uri_from_bufnr(0) } })
  if err then fail('weft.redo failed: %s', err) end
end

-- blame <name>: :WeftBlame; the virtual text drawn, "line<TAB>text" per marked line, goes to $OUT/<name>.
function steps.blame(name)
  vim.cmd('WeftBlame')
  local out = {}
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(0, weft.blame_ns, 0, -1, { details = true })) do
    local text = ''
    for _, chunk in ipairs(m[4].virt_text or {}) do text = text .. chunk[1] end
    table.insert(out, (m[2] + 1) .. '\t' .. text)
  end
  write_file(OUT .. '/' .. name, table.concat(out, '\n') .. '\n')
end

-- stagemine: :WeftStageMine.  gitcommit <message>: :WeftCommit message.
function steps.stagemine() vim.cmd('WeftStageMine') end
function steps.gitcommit(message) vim.cmd('WeftCommit ' .. message) end

-- command <name> <json args> [expected json result]: run a workspace command.
function steps.command(name, args, expected)
  local res, err = weft.execute(name, vim.fn.json_decode(args ~= '' and args or '[]'))
  if err then fail('%s failed: %s', name, err) end
  if expected and expected ~= '' then
    local want = vim.fn.json_decode(expected)
    for k, v in pairs(want) do
      if not vim.deep_equal(res[k], v) then
        fail('%s: %s = %s, expected %s', name, k, vim.inspect(res[k]), vim.inspect(v))
      end
    end
  end
end

-- servertext <command>: the server's text for this uri (a dummy-server command) equals the buffer.
function steps.servertext(command)
  local res, err = weft.execute(command, { { uri = vim.uri_from_bufnr(0) } })
  if err then fail('%s failed: %s', command, err) end
  if res ~= buffer_text() then
    fail('server text %q differs from buffer %q', tostring(res), buffer_text())
  end
end

-- dump <name>: write the buffer to $OUT/<name>.
function steps.dump(name) write_file(OUT .. '/' .. name, buffer_text()) end

function steps.sleep(ms) vim.wait(tonumber(ms)) end

local function run()
  for n, line in ipairs(lines_of(env('WEFT_E2E_STEPS', 'steps.txt'))) do
    if not line:match('^#') then
      local fields = vim.split(line, '\t', true)
      local name = table.remove(fields, 1)
      for i, f in ipairs(fields) do fields[i] = unescape(f) end
      local fn = steps[name]
      if not fn then fail('unknown step %q on line %d', name, n) end
      log('step %d: %s', n, line)
      local ok, err = pcall(fn, unpack(fields))
      if not ok then
        local reason = type(err) == 'table' and err.weft_fail or tostring(err)
        error({ weft_fail = string.format('step %d (%s) failed: %s', n, line, reason) })
      end
    end
  end
end

local ok, err = pcall(run)
if ok then
  log('all steps passed')
  vim.cmd('qall!')
else
  local reason = type(err) == 'table' and err.weft_fail or tostring(err)
  log('FAILED: %s', reason)
  pcall(write_file, OUT .. '/failed-buffer.txt', buffer_text())
  write_file(OUT .. '/failure.txt', reason .. '\n')
  vim.cmd('cquit 1')
end
