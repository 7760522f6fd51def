-- Headless Neovim (0.7+) check of `backup-lint server` with the built-in LSP client.
-- Run by scripts/nvim-lsp-check.sh, which sets:
--   BACKUP_LINT_BIN   the backup-lint binary
--   BACKUP_LINT_FILE  a .sql file with known findings (see the script)
--   BACKUP_LINT_WAIT  milliseconds to wait for each answer (default 15000)
-- Prints what the server sent and exits non-zero when something is missing.

local bin = assert(os.getenv('BACKUP_LINT_BIN'), 'BACKUP_LINT_BIN is not set')
local file = assert(os.getenv('BACKUP_LINT_FILE'), 'BACKUP_LINT_FILE is not set')
local wait_ms = tonumber(os.getenv('BACKUP_LINT_WAIT') or '15000')

local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

local failures = 0
local function fail(msg)
  failures = failures + 1
  out('FAIL: ' .. msg)
end

local function finish(client)
  if client then
    client.stop()
    vim.wait(5000, function() return client.is_stopped() end, 50)
  end
  if failures > 0 then
    out(('nvim-lsp-check: %d check(s) failed'):format(failures))
    vim.cmd('cquit 1')
  else
    out('nvim-lsp-check: ok')
    vim.cmd('qall!')
  end
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?'
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'backup-lint',
    cmd = { bin, 'server' },
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
    get_language_id = function() return 'sql' end,
  })
  if not client_id then
    fail('could not start ' .. bin .. ' server')
    return finish(nil)
  end
  vim.lsp.buf_attach_client(bufnr, client_id)
  local client = vim.lsp.get_client_by_id(client_id)

  -- 1. Diagnostics (published after didOpen).
  local arrived = vim.wait(wait_ms, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  if not arrived then
    fail(('no diagnostics within %d ms'):format(wait_ms))
    return finish(client)
  end
  local diags = vim.diagnostic.get(bufnr)
  table.sort(diags, function(a, b)
    if a.lnum ~= b.lnum then return a.lnum < b.lnum end
    return a.col < b.col
  end)
  out(('diagnostics (%d):'):format(#diags))
  local s003
  for _, d in ipairs(diags) do
    local first_line = vim.split(d.message, '\n', { plain = true })[1]
    -- Neovim converts the server's UTF-16 positions to byte columns; print 1-based ones.
    out(('  %d:%d %s %s [%s] %s'):format(d.lnum + 1, d.col + 1,
      vim.diagnostic.severity[d.severity], code_of(d), d.source or '?', first_line))
    if code_of(d) == 'S003' then s003 = d end
  end
  if not s003 then
    fail('no S003 among the diagnostics')
  else
    -- The second `detached` on line 1, after a non-ASCII identifier: byte column check.
    local line = vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1]
    local first = line:find('detached', 1, true)
    local second = line:find('detached', first + 1, true)
    if s003.lnum ~= 0 or s003.col ~= second - 1 then
      fail(('S003 at %d:%d, expected 1:%d (UTF-16 conversion)'):format(
        s003.lnum + 1, s003.col + 1, second))
    else
      out(('S003 column matches the byte column of the second `detached` (%d)'):format(second))
    end
  end

  local uri = vim.uri_from_bufnr(bufnr)
  local function request(method, params)
    local resp, err = client.request_sync(method, params, wait_ms, bufnr)
    if not resp then
      fail(method .. ': ' .. tostring(err))
      return nil
    end
    if resp.err then
      fail(method .. ': ' .. vim.inspect(resp.err))
      return nil
    end
    return resp.result
  end

  -- 2. Code actions at the S003 finding.
  if s003 then
    local pos = { line = s003.lnum, character = 44 }
    local actions = request('textDocument/codeAction', {
      textDocument = { uri = uri },
      range = { start = pos, ['end'] = pos },
      context = { diagnostics = {} },
    }) or {}
    out(('code actions (%d):'):format(#actions))
    local has_ignore = false
    for _, a in ipairs(actions) do
      out('  ' .. a.title .. (a.isPreferred and ' (preferred)' or ''))
      if a.title == 'Ignore S003 for this statement' then has_ignore = true end
    end
    if not has_ignore then fail('no "Ignore S003 for this statement" action') end

    -- 3. Hover on it.
    local hover = request('textDocument/hover', {
      textDocument = { uri = uri },
      position = pos,
    })
    if hover and hover.contents and hover.contents.value then
      out('hover: ' .. vim.split(hover.contents.value, '\n', { plain = true })[1])
    else
      fail('no hover on S003')
    end
  end

  -- 4. Formatting.
  local edits = request('textDocument/formatting', {
    textDocument = { uri = uri },
    options = { tabSize = 4, insertSpaces = true },
  })
  if edits and #edits == 1 then
    out('formatting: one edit; new text:')
    for _, l in ipairs(vim.split(edits[1].newText, '\n', { plain = true, trimempty = true })) do
      out('  ' .. l)
    end
  else
    fail('formatting returned ' .. vim.inspect(edits))
  end

  finish(client)
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, err = pcall(main)
    if not ok then
      out('FAIL: ' .. tostring(err))
      vim.cmd('cquit 1')
    end
  end,
})
