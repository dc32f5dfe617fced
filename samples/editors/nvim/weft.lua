-- Weft for Neovim (0.7 or newer): real-time co-editing through the Weft language server.
--
-- Install: copy this file to ~/.config/nvim/lua/weft.lua and put in your init.lua
--
--   require('weft').setup({
--     jar = '/path/to/weft-server.jar',         -- or set $WEFT_SERVER_JAR
--     user_name = 'Ada',                        -- default: git user.name, then $USER
--     color = '#e5534b',                        -- your cursor colour as others see it
--     relay_url = 'http://127.0.0.1:7420',      -- relay used by :WeftShare
--     transport = 'relay',                      -- :WeftShare over 'relay', 'direct' (relay + direct links) or 'lan'
--   })
--
-- Commands: :WeftShare [file]  share the current buffer (or a file) and print the invite link
--           :WeftShareAll      share every open buffer Weft is attached to
--           :WeftShareWorkspace  share the whole workspace folder (files follow on disk)
--           :WeftJoin <link>   join a session from an invite link and open its files
--           :WeftLeave  :WeftPause  :WeftResume  :WeftUndo  :WeftRedo  :WeftStatus  :WeftInvite
--           :WeftVerify        check now that this buffer equals the shared document
--           :WeftFollow [name] keep your view on a participant's caret (no name: stop following)
--
-- Statusline: unless you set 'statusline' yourself, setup() sets one like the default with Weft's state on the
-- right ("weft: reconnecting, 12 unsent"); in your own statusline use %{v:lua.require'weft'.statusline()}.
--
-- What it does: starts one `java -jar weft-server.jar` per Neovim (vim.lsp.start_client), attaches it
-- to the buffers of the configured filetypes, turns the commands into workspace/executeCommand calls,
-- and draws the other participants' cursors (weft/remoteCursors) as extmarks in their colour with their
-- name as virtual text. Remote edits arrive as workspace/applyEdit and are applied by Neovim itself.
-- Protocol: docs/protocol.md ("Language server protocol extensions"); guide: docs/editors.md.

local M = {}

--- Configuration after setup(); see the defaults below.
M.config = nil
--- Id of the running Weft LSP client, or nil before the first start.
M.client_id = nil
--- Latest weft/status payload (a table), or nil before the first one.
M.status = nil
--- Latest weft/remoteCursors payload per uri: uri -> list of cursors.
M.cursors = {}
--- Latest result of :WeftShare (room, inviteLink, readOnlyInviteLink), or nil.
M.last_share = nil
--- Namespace of the remote cursor extmarks.
M.ns = vim.api.nvim_create_namespace('weft_remote_cursors')
--- Name of the participant followed (:WeftFollow), or nil.
M.following = nil
--- Number of :Weft… commands running (their own message is the one shown; status changes wait).
M.busy = 0
--- Connection state last shown to the user.
M.announced = nil

local defaults = {
  jar = nil,
  java = nil,
  -- Full server command; overrides jar/java (e.g. { 'java', '-Xmx1g', '-jar', '/opt/weft-server.jar' }).
  cmd = nil,
  user_name = nil,
  -- E-mail for the Co-authored-by trailers of :WeftCommit (nil: git's user.email), sent with your presence.
  user_email = nil,
  color = nil,
  relay_url = nil,
  -- How :WeftShare reaches a new room: 'relay', 'direct' (relay plus direct links) or 'lan' (no relay, a
  -- weft://lan?… link); nil: the server's default (relay). A weft://lan?… link always joins over the LAN.
  transport = nil,
  -- LAN rooms: label advertised on the network (nil: none), and peers to dial as 'host:port,…'.
  lan_label = nil,
  lan_peers = nil,
  data_dir = nil,
  root_dir = nil,
  -- Filetypes Weft attaches to automatically ('*' = every buffer with a file name).
  filetypes = { 'tex', 'plaintex', 'bib', 'markdown', 'text', 'java', 'python', 'lua', 'c', 'cpp',
                'javascript', 'typescript', 'go', 'rust', 'sh', 'html', 'css', 'json', 'yaml' },
  -- Start the server as soon as a matching file opens (false: on the first :Weft… command; after
  -- that, matching buffers are attached as they open).
  autostart = false,
  -- Seconds between automatic weft/verify checks of each attached buffer (0 turns them off).
  verify_interval = 3,
  -- Print state changes (connected, reconnecting, ...) as messages.
  notify_status = true,
  -- Log file of the LSP client (:lua print(vim.lsp.get_log_path())).
  log_level = nil,
  -- Where the server's own log (its stderr) goes; Neovim 0.7 would log each stderr line as [ERROR] in lsp.log.
  server_log = nil, -- default: stdpath('cache') .. '/weft-server.log'
  -- Set 'statusline' (when you have none) to the default one plus Weft's state.
  statusline = true,
}

local function notify(msg, level)
  vim.notify('[weft] ' .. msg, level or vim.log.levels.INFO)
end

local function git_user_name()
  local ok, out = pcall(vim.fn.systemlist, { 'git', 'config', '--get', 'user.name' })
  if ok and vim.v.shell_error == 0 and out[1] and out[1] ~= '' then
    return out[1]
  end
  return nil
end

local function default_jar()
  local env = os.getenv('WEFT_SERVER_JAR')
  if env and env ~= '' then
    return env
  end
  return vim.fn.expand('~/.local/share/weft/weft-server.jar')
end

local function default_java()
  local home = os.getenv('JAVA_HOME')
  if home and home ~= '' and vim.fn.executable(home .. '/bin/java') == 1 then
    return home .. '/bin/java'
  end
  return 'java'
end

--- The running client, or nil.
function M.client()
  if M.client_id == nil then
    return nil
  end
  local client = vim.lsp.get_client_by_id(M.client_id)
  if client == nil or client.is_stopped() then
    return nil
  end
  return client
end

-- UTF-16 position <-> byte column on a buffer line (LSP positions count UTF-16 code units by default).
local function line_text(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
end

local function to_lsp_position(bufnr, row, bytecol, encoding)
  local text = line_text(bufnr, row)
  if bytecol > #text then
    bytecol = #text
  end
  local col = bytecol
  if encoding ~= 'utf-8' then
    local ok, u32, u16 = pcall(vim.str_utfindex, text, bytecol)
    if ok then
      col = (encoding == 'utf-32') and u32 or u16
    end
  end
  return { line = row, character = col }
end

local function to_byte_col(bufnr, pos, encoding)
  local text = line_text(bufnr, pos.line)
  if encoding == 'utf-8' then
    return math.min(pos.character, #text)
  end
  local ok, col = pcall(vim.str_byteindex, text, pos.character, encoding ~= 'utf-32')
  if not ok then
    return #text
  end
  return col
end

local function encoding()
  local client = M.client()
  return (client and client.offset_encoding) or 'utf-16'
end

--- The xterm-256 colour index nearest to '#rrggbb': what terminals without 'termguicolors' can show.
function M.cterm_color(hex)
  local r, g, b = tonumber(hex:sub(2, 3), 16), tonumber(hex:sub(4, 5), 16), tonumber(hex:sub(6, 7), 16)
  local levels = { 0, 95, 135, 175, 215, 255 }
  local best, best_d = 16, math.huge
  for i = 16, 255 do
    local c
    if i < 232 then
      c = { levels[math.floor((i - 16) / 36) + 1], levels[math.floor((i - 16) / 6) % 6 + 1], levels[(i - 16) % 6 + 1] }
    else
      local v = 8 + (i - 232) * 10
      c = { v, v, v }
    end
    local d = (c[1] - r) ^ 2 + (c[2] - g) ^ 2 + (c[3] - b) ^ 2
    if d < best_d then
      best, best_d = i, d
    end
  end
  return best
end

-- Highlight groups per participant colour.
local hl_cache = {}
local function highlight_for(color)
  color = (type(color) == 'string' and color:match('^#%x%x%x%x%x%x$')) and color or '#888888'
  local name = 'WeftCursor' .. color:sub(2)
  if not hl_cache[name] then
    local cterm = M.cterm_color(color)
    vim.cmd(string.format('highlight default %s guifg=#ffffff guibg=%s ctermfg=15 ctermbg=%d', name, color, cterm))
    vim.cmd(string.format('highlight default %sName guifg=%s gui=bold ctermfg=%d cterm=bold', name, color, cterm))
    vim.cmd(string.format('highlight default %sSel guibg=%s ctermbg=%d', name, color, cterm))
    hl_cache[name] = true
  end
  return name
end

--- Draws (replacing what was there) the remote cursors of one document.
function M.draw_cursors(uri, cursors)
  local bufnr = vim.uri_to_bufnr(uri)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  vim.api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  local enc = encoding()
  local last = vim.api.nvim_buf_line_count(bufnr) - 1
  for _, cursor in ipairs(cursors or {}) do
    local hl = highlight_for(cursor.color)
    for _, sel in ipairs(cursor.selections or {}) do
      local active, anchor = sel.active, sel.anchor or sel.active
      if active and active.line <= last and anchor.line <= last then
        local acol = to_byte_col(bufnr, active, enc)
        -- The selection, in a light shade of the colour.
        local s, e = anchor, active
        if s.line > e.line or (s.line == e.line and s.character > e.character) then
          s, e = e, s
        end
        if s.line ~= e.line or s.character ~= e.character then
          pcall(vim.api.nvim_buf_set_extmark, bufnr, M.ns, s.line, to_byte_col(bufnr, s, enc), {
            end_row = e.line, end_col = to_byte_col(bufnr, e, enc), hl_group = hl .. 'Sel',
          })
        end
        -- The caret: the character under it in the colour, and the name at the end of the line.
        local text = line_text(bufnr, active.line)
        local opts = { virt_text = { { ' ‹' .. (cursor.name or '?') .. '›', hl .. 'Name' } },
                       virt_text_pos = 'eol' }
        if acol < #text then
          local next_col = vim.str_byteindex(text, (select(1, vim.str_utfindex(text, acol))) + 1)
          opts.end_col = next_col
          opts.hl_group = hl
        end
        pcall(vim.api.nvim_buf_set_extmark, bufnr, M.ns, active.line, acol, opts)
      end
    end
  end
end

local handlers = {}

-- Neovim 0.7's default applyEdit handler silently skips (and reports as applied) an edit made for an
-- older buffer version. Weft needs an honest answer so that it can re-derive the edit and retry.
handlers['workspace/applyEdit'] = function(err, params, ctx, config)
  local edit = params and params.edit
  for _, change in ipairs((edit and edit.documentChanges) or {}) do
    local td = change.textDocument
    if td and td.version ~= nil and td.version ~= vim.NIL then
      local bufnr = vim.uri_to_bufnr(td.uri)
      local have = vim.lsp.util.buf_versions[bufnr]
      if have ~= nil and have ~= td.version then
        return { applied = false, failureReason = string.format(
          'stale edit: made for version %d, buffer is at %d', td.version, have) }
      end
    end
  end
  -- The default handler prints the label of every edit: too chatty for edits arriving per keystroke.
  if params then
    params.label = nil
  end
  return vim.lsp.handlers['workspace/applyEdit'](err, params, ctx, config)
end

-- The server also reports remote carets as hint diagnostics ("<name> is here", source "weft") for clients without
-- a plugin; weft.lua draws the carets itself, so those would show every caret twice.
handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  if params and params.diagnostics then
    params.diagnostics = vim.tbl_filter(function(d) return d.source ~= 'weft' end, params.diagnostics)
  end
  return vim.lsp.handlers['textDocument/publishDiagnostics'](err, params, ctx, config)
end

local follow_caret -- defined below

handlers['weft/remoteCursors'] = function(_, params)
  if not params or not params.uri then
    return
  end
  M.cursors[params.uri] = params.cursors or {}
  M.draw_cursors(params.uri, params.cursors)
  follow_caret(params.uri, params.cursors or {})
end

--- Weft's state for a statusline: "weft: connected", "weft: offline, 12 unsent", or '' outside a session.
function M.statusline()
  local st = M.status
  if not st or st.room == nil or st.room == vim.NIL or st.room == '' then
    return ''
  end
  local s = 'weft: ' .. tostring(st.state)
  if st.paused == true then s = s .. ', paused' end
  if type(st.unsent) == 'number' and st.unsent > 0 then s = s .. string.format(', %d unsent', st.unsent) end
  return s
end

-- State changes are shown one at a time, after any running :Weft… command (whose own line is the news): lines
-- printed together would stack into a "Press ENTER" prompt. The first state ("disconnected") is no news.
local status_timer = nil
local function announce_status()
  if not (M.config and M.config.notify_status) then
    return
  end
  status_timer = status_timer or vim.loop.new_timer()
  status_timer:stop()
  status_timer:start(150, 0, vim.schedule_wrap(function()
    local st = M.status
    if M.busy > 0 or not st or st.state == M.announced then
      return
    end
    M.announced = st.state
    if st.room == nil or st.room == vim.NIL or st.room == '' then
      return
    end
    local msg = '[weft] status: ' .. tostring(st.state)
    if type(st.unsent) == 'number' and st.unsent > 0 then
      msg = msg .. string.format(' (%d unsent)', st.unsent)
    end
    vim.api.nvim_echo({ { msg, st.state == 'connected' and 'None' or 'WarningMsg' } }, true, {})
  end))
end

handlers['weft/status'] = function(_, params)
  M.status = params
  if M.announced == nil and params and params.state == 'disconnected' then
    M.announced = 'disconnected'
  end
  announce_status()
  vim.cmd('redrawstatus!')
end

local function attachable(bufnr)
  if vim.api.nvim_buf_get_name(bufnr) == '' or vim.bo[bufnr].buftype ~= '' then
    return false
  end
  local fts = M.config.filetypes
  if fts == '*' then
    return true
  end
  return vim.tbl_contains(fts, vim.bo[bufnr].filetype)
end

--- Starts the Weft language server (once) and returns the client id.
function M.start()
  if M.client() then
    return M.client_id
  end
  local cfg = M.config
  local cmd = cfg.cmd or { cfg.java or default_java(), '-jar', cfg.jar or default_jar(), '--stdio' }
  local start_cmd = cmd
  if vim.fn.has('win32') == 0 and vim.fn.executable('sh') == 1 then
    -- The server logs to stderr, and Neovim 0.7 logs every stderr line as [ERROR]: send it to its own file.
    local log = cfg.server_log or (vim.fn.stdpath('cache') .. '/weft-server.log')
    start_cmd = vim.list_extend({ 'sh', '-c', 'exec "$0" "$@" 2>>"$WEFT_SERVER_LOG"' }, cmd)
    vim.env.WEFT_SERVER_LOG = log
  end
  if vim.fn.executable(cmd[1]) ~= 1 then
    notify('Java 17 or newer is required: install it (e.g. apt-get install openjdk-17-jre) or set java=...',
      vim.log.levels.ERROR)
    return nil
  end
  if not cfg.cmd and vim.fn.filereadable(cmd[3]) ~= 1 then
    notify('server jar not found: ' .. cmd[3] .. ' (set jar=... or $WEFT_SERVER_JAR)', vim.log.levels.ERROR)
    return nil
  end
  local init_options = {
    userName = cfg.user_name or git_user_name() or os.getenv('USER') or 'nvim',
    userEmail = cfg.user_email,
    color = cfg.color,
    relayUrl = cfg.relay_url,
    dataDir = cfg.data_dir,
    reportsSelection = true,
    drawsCursors = true, -- carets are extmarks: no "is here" hint diagnostics or inlay hints needed
    transport = cfg.transport,
    lanLabel = cfg.lan_label,
    lanPeers = cfg.lan_peers,
  }
  M.client_id = vim.lsp.start_client({
    name = 'weft',
    cmd = start_cmd,
    root_dir = cfg.root_dir or vim.fn.getcwd(),
    init_options = init_options,
    handlers = handlers,
    -- Send every change at once: collaborators should see keystrokes live.
    flags = { debounce_text_changes = 0, allow_incremental_sync = true },
    on_exit = function(code, signal)
      if code ~= 0 and M.config.notify_status then
        vim.schedule(function()
          notify(string.format('server exited (code %s, signal %s); see %s', code, signal,
            vim.lsp.get_log_path()), vim.log.levels.WARN)
        end)
      end
    end,
  })
  return M.client_id
end

--- Attaches Weft to a buffer (starting the server if needed).
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local id = M.start()
  if id and not vim.lsp.buf_is_attached(bufnr, id) then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

local function wait_ready(timeout_ms)
  local id = M.start()
  if not id then
    return nil
  end
  vim.wait(timeout_ms or 10000, function()
    local c = M.client()
    return c ~= nil and c.initialized == true
  end, 20)
  return M.client()
end

--- Runs workspace/executeCommand synchronously; returns result or nil, error message.
function M.execute(command, args, timeout_ms)
  local client = wait_ready(timeout_ms)
  if not client then
    return nil, 'Weft server is not running'
  end
  local done, result, error_msg = false, nil, nil
  client.request('workspace/executeCommand', { command = command, arguments = args or {} },
    function(err, res)
      if err then
        error_msg = err.message or vim.inspect(err)
      end
      result = res
      done = true
    end, 0)
  local ok = vim.wait(timeout_ms or 30000, function() return done end, 10)
  if not ok then
    return nil, command .. ' timed out'
  end
  if error_msg then
    return nil, error_msg
  end
  return result
end

local function run(command, args)
  M.busy = M.busy + 1
  local ok, res, err = pcall(M.execute, command, args)
  M.busy = M.busy - 1
  if not ok then
    error(res)
  end
  -- The state reached during the command goes without saying after its own message.
  if M.status then
    M.announced = M.status.state
  end
  if err then
    notify(command .. ' failed: ' .. err, vim.log.levels.ERROR)
  end
  return res, err
end

local function current_uri()
  return vim.uri_from_bufnr(vim.api.nvim_get_current_buf())
end

--- Keeps a share's result as M.last_share and copies its invite link to the unnamed register (and the system
--- clipboard when there is one).
local function remember_share(res)
  M.last_share = res
  if vim.fn.has('clipboard') == 1 then
    pcall(vim.fn.setreg, '+', res.inviteLink)
  end
  vim.fn.setreg('"', res.inviteLink)
end

--- Shares the given buffers (default: the current one) in a new room; returns the share result.
function M.share(bufnrs)
  bufnrs = bufnrs or { vim.api.nvim_get_current_buf() }
  local uris = {}
  for _, b in ipairs(bufnrs) do
    M.attach(b)
    table.insert(uris, vim.uri_from_bufnr(b))
  end
  local res = run('weft.share', { { relayUrl = M.config.relay_url, uris = uris } })
  if res then
    remember_share(res)
    notify('sharing; invite link (copied): ' .. tostring(res.inviteLink)
      .. (res.readOnlyInviteLink and ('  read-only link: ' .. res.readOnlyInviteLink) or ''))
  end
  return res
end

--- Shares the whole workspace folder (every file not ignored, kept in sync on disk, also files never opened);
--- returns the result ({ room, inviteLink, files, leftOut, … }).
function M.share_workspace()
  local res = run('weft.shareWorkspace', { { relayUrl = M.config.relay_url } })
  if res then
    remember_share(res)
    notify('sharing the workspace (' .. tostring(res.files) .. ' files); invite link (copied): '
      .. tostring(res.inviteLink))
  end
  return res
end

--- Joins the session of an invite link and opens its documents; returns the join result.
function M.join(link)
  local res = run('weft.join', { { link = link } })
  if res then
    for i, uri in ipairs(res.documents or {}) do
      local fname = vim.uri_to_fname(uri)
      -- silent: the file message ("main.tex" 30L, 1200B) and ours would need a "Press ENTER".
      if i == 1 then
        vim.cmd('silent edit ' .. vim.fn.fnameescape(fname))
      else
        vim.cmd('silent badd ' .. vim.fn.fnameescape(fname))
      end
      local bufnr = vim.fn.bufnr(fname)
      vim.fn.bufload(bufnr)
      M.attach(bufnr)
    end
    notify(string.format('joined room %s (%d documents)', tostring(res.room), #(res.documents or {})))
  end
  return res
end

--- Undoes (or redoes) your own last change group in the current buffer, leaving others' edits intact.
function M.undo() return run('weft.undo', { { uri = current_uri() } }) end

--- Namespace of the :WeftBlame virtual text.
M.blame_ns = vim.api.nvim_create_namespace('weft_blame')

--- :WeftBlame — at the end of each line, who typed its uncommitted characters (docs/git.md); shared workspaces
--- only. Returns the weft.blame result. :WeftBlameOff clears it (it is not refreshed while you type).
function M.blame(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local res = run('weft.blame', { { uri = vim.uri_from_bufnr(bufnr) } })
  if not res then
    return nil
  end
  vim.api.nvim_buf_clear_namespace(bufnr, M.blame_ns, 0, -1)
  local count = vim.api.nvim_buf_line_count(bufnr)
  local marked = 0
  for _, l in ipairs(res.lines or {}) do
    if l.authors and #l.authors > 0 and l.line < count then
      local who = table.concat(vim.tbl_map(function(a) return a == '?' and 'someone unknown' or a end, l.authors), ', ')
      vim.api.nvim_buf_set_extmark(bufnr, M.blame_ns, l.line, 0,
        { virt_text = { { '  ✎ ' .. who, 'Comment' } }, virt_text_pos = 'eol' })
      marked = marked + 1
    end
  end
  notify(marked .. ' lines with uncommitted changes (:WeftBlameOff hides them)')
  return res
end

function M.blame_off(bufnr)
  vim.api.nvim_buf_clear_namespace((bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr,
    M.blame_ns, 0, -1)
end

local function report_problems(res)
  for _, p in ipairs(res.problems or {}) do
    notify(p, vim.log.levels.WARN)
  end
end

--- :WeftStageMine — puts exactly your changes into the git index (others' stay in the working tree).
function M.stage_mine()
  vim.cmd('silent! wall')
  local res = run('weft.stageMine', { vim.empty_dict() })
  if res then
    notify('staged your changes in ' .. #(res.staged or {}) .. ' files as ' .. tostring(res.as))
    report_problems(res)
  end
  return res
end

--- :WeftCommit MSG — commits the index with Co-authored-by trailers for the other authors of the staged changes.
function M.commit(message)
  if message == nil or message:match('^%s*$') then
    notify('usage: :WeftCommit MESSAGE', vim.log.levels.ERROR)
    return nil
  end
  local res = run('weft.commit', { { message = message } })
  if res then
    local co = #(res.trailers or {}) > 0 and (' with ' .. table.concat(res.trailers, ', ')) or ' (no co-authors)'
    notify('committed ' .. table.concat(vim.tbl_map(function(c) return c:sub(1, 7) end, res.commits or {}), ', ')
      .. co)
    report_problems(res)
  end
  return res
end
function M.redo() return run('weft.redo', { { uri = current_uri() } }) end
function M.leave()
  M.following = nil
  local res = run('weft.leave', {})
  for uri, _ in pairs(M.cursors) do
    M.draw_cursors(uri, {})
  end
  M.cursors = {}
  return res
end
function M.pause() return run('weft.pause', {}) end
function M.resume() return run('weft.resume', {}) end

--- Asks the server for the current status and prints it.
function M.print_status()
  local st = run('weft.status', {})
  if st then
    M.status = st
    local names = {}
    for _, p in ipairs(st.participants or {}) do
      table.insert(names, p.name)
    end
    local via = ''
    if st.transport == 'lan' then
      via = string.format(' over the LAN (port %d)', st.lanPort or 0)
    elseif st.transport == 'direct' then
      via = string.format(' with %d direct link(s)', st.directPeers or 0)
    end
    print(string.format('Weft: %s%s%s, room %s, %d unsent, %d repairs, participants: %s',
      tostring(st.state), via, st.paused and ' (paused)' or '', tostring(st.room), st.unsent or 0,
      st.repairs or 0, table.concat(names, ', ')))
  end
  return st
end

--- Sends weft/verify for a buffer: the server repairs the buffer if it differs from the shared text.
function M.verify(bufnr, callback)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.client()
  if not client or not vim.lsp.buf_is_attached(bufnr, client.id) then
    return
  end
  local eol = vim.lsp.util._get_line_ending and vim.lsp.util._get_line_ending(bufnr) or '\n'
  if vim.bo[bufnr].fileformat == 'dos' then eol = '\r\n' elseif vim.bo[bufnr].fileformat == 'mac' then eol = '\r' end
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), eol)
  if vim.bo[bufnr].eol then
    text = text .. eol
  end
  client.request('weft/verify', {
    uri = vim.uri_from_bufnr(bufnr),
    version = vim.lsp.util.buf_versions[bufnr],
    sha256 = vim.fn.sha256(text),
  }, function(err, res)
    if callback then
      callback(err, res)
    elseif res and res.repaired then
      notify(string.format('buffer was repaired from the shared copy (%d repairs)', res.repairs or 0),
        vim.log.levels.WARN)
    end
  end, bufnr)
end

-- Following: the followed participant's document is shown and the cursor kept on their caret.
follow_caret = function(uri, cursors)
  if not M.following then
    return
  end
  for _, cursor in ipairs(cursors) do
    local sel = cursor.selections and cursor.selections[1]
    if sel and type(cursor.name) == 'string' and cursor.name:lower() == M.following:lower() then
      local bufnr = vim.uri_to_bufnr(uri)
      if not vim.api.nvim_buf_is_loaded(bufnr) then
        vim.fn.bufload(bufnr)
      end
      if vim.api.nvim_get_current_buf() ~= bufnr then
        vim.api.nvim_set_current_buf(bufnr)
      end
      local last = vim.api.nvim_buf_line_count(bufnr) - 1
      local line = math.min(sel.active.line, last)
      local col = to_byte_col(bufnr, { line = line, character = sel.active.character }, encoding())
      pcall(vim.api.nvim_win_set_cursor, 0, { line + 1, col })
      return
    end
  end
end

--- Follows participant `name` (nil or '' stops): jumps to their caret now and whenever it moves.
function M.follow(name)
  if name == nil or name == '' then
    M.following = nil
    notify('not following anybody')
    return
  end
  M.following = name
  notify('following ' .. name .. ' (:WeftFollow without a name stops)')
  for uri, cursors in pairs(M.cursors) do
    follow_caret(uri, cursors)
  end
end

-- The LSP anchor and active positions of a selection. `v` ({row, bytecol}, 0-based) is the other end in visual
-- mode, nil otherwise; `cur` is the cursor. Vim's visual selections include the character under the cursor (and
-- under `v`), LSP ranges end before their end position: the later end moves past its character ('V': whole lines).
function M.selection_of(bufnr, mode, v, cur, enc)
  local active = to_lsp_position(bufnr, cur[1], cur[2], enc)
  if not v then
    return active, active
  end
  local anchor = to_lsp_position(bufnr, v[1], v[2], enc)
  local cursor_later = cur[1] > v[1] or (cur[1] == v[1] and cur[2] >= v[2])
  local function past(pos)
    local text = line_text(bufnr, pos[1])
    if mode == 'V' then
      return to_lsp_position(bufnr, pos[1], #text, enc)
    end
    local len = #text > pos[2] and vim.str_utf_end(text, pos[2] + 1) + 1 or 0
    return to_lsp_position(bufnr, pos[1], pos[2] + len, enc)
  end
  local function line_start(pos) return { line = pos[1], character = 0 } end
  if cursor_later then
    active = past(cur)
    if mode == 'V' then anchor = line_start(v) end
  else
    anchor = past(v)
    if mode == 'V' then active = line_start(cur) end
  end
  return anchor, active
end

-- Selections: reported (debounced) on cursor moves in attached buffers.
local selection_timer = nil
function M.send_selection()
  local client = M.client()
  local bufnr = vim.api.nvim_get_current_buf()
  if not client or not vim.lsp.buf_is_attached(bufnr, client.id) then
    return
  end
  local cur = vim.api.nvim_win_get_cursor(0)
  local mode = vim.api.nvim_get_mode().mode
  local v = nil
  if mode == 'v' or mode == 'V' or mode == '\22' then
    local vp = vim.fn.getpos('v')
    v = { vp[2] - 1, vp[3] - 1 }
  end
  local anchor, active = M.selection_of(bufnr, mode, v, { cur[1] - 1, cur[2] }, encoding())
  client.notify('weft/selection', {
    uri = vim.uri_from_bufnr(bufnr),
    version = vim.lsp.util.buf_versions[bufnr],
    selections = { { anchor = anchor, active = active } },
  })
end

local function schedule_selection()
  if selection_timer then
    selection_timer:stop()
  else
    selection_timer = vim.loop.new_timer()
  end
  selection_timer:start(50, 0, vim.schedule_wrap(M.send_selection))
end

local verify_timer = nil
local function start_verify_timer()
  local secs = M.config.verify_interval or 0
  if secs <= 0 or verify_timer then
    return
  end
  verify_timer = vim.loop.new_timer()
  verify_timer:start(secs * 1000, secs * 1000, vim.schedule_wrap(function()
    local client = M.client()
    if not client or not M.status or M.status.room == nil then
      return
    end
    for bufnr, _ in pairs(client.attached_buffers or {}) do
      if vim.api.nvim_buf_is_loaded(bufnr) then
        M.verify(bufnr)
      end
    end
  end))
end

--- Configures Weft, defines the :Weft… commands and attaches to matching buffers as they open.
function M.setup(opts)
  M.config = vim.tbl_extend('force', defaults, opts or {})
  if M.config.log_level then
    vim.lsp.set_log_level(M.config.log_level)
  end
  local cmd = vim.api.nvim_create_user_command
  cmd('WeftShare', function(o)
    if o.args ~= '' then
      vim.cmd('edit ' .. vim.fn.fnameescape(o.args))
    end
    M.share()
  end, { nargs = '?', complete = 'file' })
  cmd('WeftShareAll', function()
    local bufs = {}
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and attachable(b) then
        table.insert(bufs, b)
      end
    end
    M.share(bufs)
  end, {})
  cmd('WeftShareWorkspace', function() M.share_workspace() end, {})
  cmd('WeftJoin', function(o) M.join(o.args) end, { nargs = 1 })
  cmd('WeftLeave', function() M.leave() end, {})
  cmd('WeftPause', function() M.pause() end, {})
  cmd('WeftResume', function() M.resume() end, {})
  cmd('WeftUndo', function() M.undo() end, {})
  cmd('WeftRedo', function() M.redo() end, {})
  cmd('WeftStatus', function() M.print_status() end, {})
  cmd('WeftBlame', function() M.blame(0) end, {})
  cmd('WeftBlameOff', function() M.blame_off(0) end, {})
  cmd('WeftStageMine', function() M.stage_mine() end, {})
  cmd('WeftCommit', function(o) M.commit(o.args) end, { nargs = '+' })
  cmd('WeftVerify', function() M.verify(0) end, {})
  cmd('WeftFollow', function(o) M.follow(o.args) end, { nargs = '?' })
  cmd('WeftInvite', function()
    local link = (M.status and M.status.inviteLink) or (M.last_share and M.last_share.inviteLink)
    local ro = (M.status and M.status.readOnlyInviteLink) or (M.last_share and M.last_share.readOnlyInviteLink)
    if link then
      if vim.fn.has('clipboard') == 1 then
        pcall(vim.fn.setreg, '+', link)
      end
      print(link .. (ro and ('  read-only link: ' .. ro) or ''))
    else
      notify('not sharing a session', vim.log.levels.WARN)
    end
  end, {})

  -- Status where it is seen: in the statusline (the message area shows "-- INSERT --" while typing).
  package.loaded['weft'] = package.loaded['weft'] or M
  if M.config.statusline and vim.o.statusline == '' then
    vim.o.statusline = "%<%f %h%m%r%=%{v:lua.require'weft'.statusline()}  %-14.(%l,%c%V%) %P"
  end

  local group = vim.api.nvim_create_augroup('weft', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile', 'FileType' }, {
    group = group,
    callback = function(ev)
      if attachable(ev.buf) and (M.client() or M.config.autostart) then
        M.attach(ev.buf)
      end
    end,
  })
  vim.api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI' }, {
    group = group,
    callback = schedule_selection,
  })
  -- Extmarks move with the text; the server sends fresh positions after each change anyway.
  start_verify_timer()
  return M
end

return M
