-- A plain LSP client: headless Neovim 0.7 with nothing but a bare vim.lsp.start_client config for the Weft
-- server — no weft.lua, so no weft/selection, no name, no applyEdit wrapper, no window/showDocument (0.7). Driven by PlainLspClientWithRealServerTest:
--   nvim --headless -u NONE -c 'luafile nvim-bare.lua'   (cwd: the workspace)
-- Environment: BARE_CMD (server command, one argument per line), BARE_DIR (control directory: link.txt in; joined,
-- typed, moved out; move in; buffer.txt out), BARE_DATA (Weft data directory).
local dir = os.getenv('BARE_DIR')
local function exists(p) return vim.loop.fs_stat(p) ~= nil end
local function write(name, text)
  local f = assert(io.open(dir .. '/' .. name, 'wb'))
  f:write(text or '')
  f:close()
end
local function fail(msg)
  write('failure.txt', msg)
  vim.cmd('qa!')
end
local function wait(what, cond)
  if not vim.wait(40000, cond, 20) then fail('timed out waiting for ' .. what) end
end

vim.o.swapfile = false
vim.o.hidden = true
-- The whole user config:
local id = vim.lsp.start_client({
  name = 'weft',
  cmd = vim.split(os.getenv('BARE_CMD'), '\n', { trimempty = true }),
  root_dir = vim.loop.cwd(),
  init_options = { dataDir = os.getenv('BARE_DATA') },
  flags = { debounce_text_changes = 0 },
})
vim.api.nvim_create_autocmd('BufEnter', { callback = function(a) vim.lsp.buf_attach_client(a.buf, id) end })

wait('the server to start', function()
  local c = vim.lsp.get_client_by_id(id)
  return c ~= nil and c.initialized
end)
wait('link.txt', function() return exists(dir .. '/link.txt') end)
local link = vim.trim(io.open(dir .. '/link.txt'):read('*a'))
local client = vim.lsp.get_client_by_id(id)
local done = nil
client.request('workspace/executeCommand', { command = 'weft.join', arguments = { { link = link } } },
  function(err, result) if err then fail('weft.join: ' .. vim.inspect(err)) end done = result end)
wait('weft.join', function() return done ~= nil end)
-- Neovim 0.7 has no window/showDocument (its capabilities say so): the user opens the joined file.
vim.cmd('edit ' .. vim.fn.fnameescape(vim.uri_to_fname(done.documents[1])))
write('joined', vim.api.nvim_buf_get_name(0))
local bufnr = vim.api.nvim_get_current_buf()
wait('the buffer to be attached', function() return vim.lsp.buf_is_attached(bufnr, id) end)

-- Type " + 40" at the end of line 2, one character at a time.
for _, ch in ipairs({ ' ', '+', ' ', '4', '0' }) do
  local line = vim.api.nvim_buf_get_lines(bufnr, 1, 2, true)[1]
  vim.api.nvim_buf_set_text(bufnr, 1, #line, 1, #line, { ch })
  vim.wait(10)
end
write('typed')

-- Move to just after "let a" and ask for document highlights (what a user's CursorHold autocmd would do).
wait('move', function() return exists(dir .. '/move') end)
vim.api.nvim_win_set_cursor(0, { 1, 5 })
vim.lsp.buf.document_highlight()
write('moved')
wait('quit', function() return exists(dir .. '/quit') end)
write('buffer.txt', table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), '\n') .. '\n')
vim.cmd('qa!')
