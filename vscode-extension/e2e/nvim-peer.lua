-- A Neovim peer for the VS Code end-to-end test (e2e.js, WEFT_E2E_NVIM_ROUNDS): headless Neovim 0.7+ with Weft's
-- own plugin (samples/editors/nvim/weft.lua, debounce 0, its applyEdit wrapper) joins the room and, at each signal
-- from e2e.js, types a text one character at a time at the end of the line that starts with $NVIM_PEER_LINE, like a
-- typist (the characters go in with nvim_buf_set_text, so Neovim reports them exactly as typed text). Between
-- rounds its buffer is written to $NVIM_PEER_DIR/buffer.txt every 100 ms.
--
--   nvim --headless -u NONE -c 'luafile nvim-peer.lua'   (cwd: an empty workspace folder)
-- Environment: NVIM_PEER_CONFIG (weft.lua), NVIM_PEER_CMD (server command, one argument per line),
--   NVIM_PEER_DIR (control directory: link.txt in; go-<n>.txt (text to type) in; done-<n> out; quit in;
--   latency: watch.txt (n) in, watching and latency-received.txt out; type-latency.txt (n) in, latency-sent.txt out),
--   NVIM_PEER_LINE (start of the line to type at), NVIM_PEER_DATA (Weft data directory),
--   NVIM_PEER_KEY_DELAY_MS (pause between keys, plus up to 20 ms jitter; default 25).
local dir = os.getenv('NVIM_PEER_DIR')
local started = vim.loop.hrtime()
local function log(fmt, ...)
  io.stderr:write(string.format('[nvim-peer %6.2fs] ' .. fmt .. '\n', (vim.loop.hrtime() - started) / 1e9, ...))
end
local function read_file(path)
  local f = io.open(path, 'rb')
  if not f then return nil end
  local s = f:read('*a')
  f:close()
  return s
end
local function write_file(path, text)
  local f = assert(io.open(path .. '.tmp', 'wb'))
  f:write(text)
  f:close()
  os.rename(path .. '.tmp', path)
end
local function lines_of(path)
  local out = {}
  for line in (read_file(path) or ''):gmatch('([^\n]*)\n?') do
    if line ~= '' then table.insert(out, line) end
  end
  return out
end

vim.o.swapfile = false
vim.o.hidden = true
local weft = dofile(os.getenv('NVIM_PEER_CONFIG'))
weft.setup({
  cmd = lines_of(os.getenv('NVIM_PEER_CMD')),
  user_name = 'Nvim',
  relay_url = nil,
  data_dir = os.getenv('NVIM_PEER_DATA'),
  root_dir = vim.fn.getcwd(),
  filetypes = '*',
  notify_status = false,
  verify_interval = 0,
})

local function buffer_text()
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, true), '\n')
  if vim.bo.eol then text = text .. '\n' end
  return text
end

local function now_ms()
  local sec, usec = vim.loop.gettimeofday()
  return string.format('%.3f', sec * 1000 + usec / 1000)
end

-- Appends ch at the end of the line of bufnr that starts with prefix, as typed text.
local function type_at_line_end(bufnr, prefix, ch)
  local row
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)) do
    if l:sub(1, #prefix) == prefix then row = i - 1 break end
  end
  assert(row, 'line starting with ' .. prefix .. ' not found')
  local col = #vim.api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
  vim.api.nvim_buf_set_text(bufnr, row, col, row, col, { ch })
end

local function main()
  assert(vim.wait(60000, function() return read_file(dir .. '/link.txt') ~= nil end, 50), 'no invite link')
  local res = weft.join(vim.trim(read_file(dir .. '/link.txt')))
  assert(res and res.documents and #res.documents > 0, 'join failed: ' .. vim.inspect(res))
  log('joined: %s', table.concat(res.documents, ' '))
  local prefix = os.getenv('NVIM_PEER_LINE')
  local round = 1
  local rnd = 7
  local key_delay = tonumber(os.getenv('NVIM_PEER_KEY_DELAY_MS') or '25')
  while true do
    local go
    local quit = false
    local watch
    local burst
    vim.wait(600000, function()
      write_file(dir .. '/buffer.txt', buffer_text())
      go = read_file(dir .. '/go-' .. round .. '.txt')
      quit = read_file(dir .. '/quit') ~= nil
      watch = read_file(dir .. '/watch.txt')
      burst = read_file(dir .. '/type-latency.txt')
      return go ~= nil or quit or watch ~= nil or burst ~= nil
    end, 100)
    if burst ~= nil then
      -- Latency, Neovim -> VS Code: type n letters at the end of the line, one every key_delay ms (no jitter, like
      -- e2e.js's side), recording the wall-clock time (ms) just before each goes into the buffer.
      os.remove(dir .. '/type-latency.txt')
      local n = tonumber(vim.trim(burst))
      local bufnr = vim.api.nvim_get_current_buf()
      local times = {}
      for k = 0, n - 1 do
        table.insert(times, now_ms())
        type_at_line_end(bufnr, prefix, string.char(65 + k % 26))
        vim.wait(key_delay)
      end
      write_file(dir .. '/latency-sent.txt', table.concat(times, '\n') .. '\n')
      log('latency burst: typed %d keystrokes', n)
      goto continue
    end
    if watch ~= nil then
      -- Latency: record the wall-clock time (ms) at which each of the next n characters appears on the line.
      os.remove(dir .. '/watch.txt')
      local n = tonumber(vim.trim(watch))
      local function line_len()
        for _, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, true)) do
          if l:sub(1, #prefix) == prefix then return #l end
        end
        return 0
      end
      local base = line_len()
      local times = {}
      write_file(dir .. '/watching', 'yes')
      vim.wait(120000, function()
        local have = line_len() - base
        local now = now_ms()
        while #times < math.min(have, n) do table.insert(times, now) end
        return #times >= n
      end, 1)
      write_file(dir .. '/latency-received.txt', table.concat(times, '\n') .. '\n')
      log('latency watch: %d of %d keystrokes seen', #times, n)
      goto continue
    end
    if quit or go == nil then break end
    local bufnr = vim.api.nvim_get_current_buf()
    for _, ch in ipairs(vim.fn.split(go, '\\zs')) do
      type_at_line_end(bufnr, prefix, ch)
      rnd = (rnd * 1103515245 + 12345) % 2147483648
      vim.wait(key_delay + rnd % 20) -- like e2e.js's typeSlowly; messages are handled meanwhile
    end
    write_file(dir .. '/done-' .. round, 'done')
    log('round %d typed %q', round, go)
    round = round + 1
    ::continue::
  end
  write_file(dir .. '/buffer.txt', buffer_text())
end

local ok, err = pcall(main)
if not ok then
  log('FAILED: %s', tostring(err))
  write_file(dir .. '/failure.txt', tostring(err))
end
vim.cmd('qa!')
