-- Headless Neovim (0.11+) check of the `vim.lsp.config` setup docs/editors.md documents.
-- scripts/nvim-lsp-check.sh writes an init file holding that snippet as the page has it
-- (with `backup-lint` found on PATH), then this file. Environment:
--   BACKUP_LINT_FILES  files to open, separated by newlines (.sql, .sh, a bash script
--                      without extension, .md, .yml), each with a V001 finding
--   BACKUP_LINT_EXCLUDED  files (newline-separated) the configuration's `exclude` names,
--                      each with a V001 finding: each must get an empty diagnostics list
--   BACKUP_LINT_WAIT   milliseconds to wait for each file's diagnostics (default 15000)
-- Each file must be attached to the `backup_lint` client by filetype alone and get its
-- findings; prints them and exits non-zero when one is missing.

local files = vim.split(assert(os.getenv('BACKUP_LINT_FILES'), 'BACKUP_LINT_FILES is not set'),
  '\n', { plain = true, trimempty = true })
local wait_ms = tonumber(os.getenv('BACKUP_LINT_WAIT') or '15000')
local excluded = vim.split(os.getenv('BACKUP_LINT_EXCLUDED') or '', '\n',
  { plain = true, trimempty = true })

-- How many diagnostics the server last published for each file (by its real path), to tell
-- "published an empty list" from "published nothing yet".
local published = {}
local publish = 'textDocument/publishDiagnostics'
local default_handler = vim.lsp.handlers[publish]
vim.lsp.handlers[publish] = function(err, result, ctx, config)
  if result and result.uri then
    published[vim.uv.fs_realpath(vim.uri_to_fname(result.uri)) or result.uri] = #result.diagnostics
  end
  return default_handler(err, result, ctx, config)
end

local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

local failures = 0
local function fail(msg)
  failures = failures + 1
  out('FAIL: ' .. msg)
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?'
end

local function main()
  for _, file in ipairs(files) do
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    local bufnr = vim.api.nvim_get_current_buf()
    local name = vim.fn.fnamemodify(file, ':t')
    local ft = vim.bo[bufnr].filetype
    local attached = vim.wait(wait_ms, function()
      return #vim.lsp.get_clients({ bufnr = bufnr, name = 'backup_lint' }) > 0
    end, 50)
    if not attached then
      fail(('%s (filetype %q): the backup_lint client did not attach'):format(name, ft))
    else
      local arrived = vim.wait(wait_ms, function()
        for _, d in ipairs(vim.diagnostic.get(bufnr)) do
          if code_of(d) == 'V001' then return true end
        end
        return false
      end, 50)
      local diags = vim.diagnostic.get(bufnr)
      out(('%s (filetype %s): %d diagnostic(s)'):format(name, ft, #diags))
      for _, d in ipairs(diags) do
        local first_line = vim.split(d.message, '\n', { plain = true })[1]
        out(('  %d:%d %s %s'):format(d.lnum + 1, d.col + 1, code_of(d), first_line))
      end
      if not arrived then fail(name .. ': no V001 within ' .. wait_ms .. ' ms') end
    end
  end
  for _, file in ipairs(excluded) do
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    local bufnr = vim.api.nvim_get_current_buf()
    local name = vim.fn.fnamemodify(file, ':t')
    local real = vim.uv.fs_realpath(file) or file
    local arrived = vim.wait(wait_ms, function() return published[real] ~= nil end, 50)
    if not arrived then
      fail(name .. ' (excluded): no diagnostics list within ' .. wait_ms .. ' ms')
    else
      out(('%s (excluded by the configuration): %d diagnostic(s)'):format(name, published[real]))
      if published[real] ~= 0 or #vim.diagnostic.get(bufnr) ~= 0 then
        fail(name .. ': excluded by the configuration, but it got findings')
      end
    end
  end
  for _, client in ipairs(vim.lsp.get_clients({ name = 'backup_lint' })) do
    client:stop()
  end
  vim.wait(5000, function() return #vim.lsp.get_clients({ name = 'backup_lint' }) == 0 end, 50)
  if failures > 0 then
    out(('nvim-lsp-check (vim.lsp.config): %d check(s) failed'):format(failures))
    vim.cmd('cquit 1')
  else
    out('nvim-lsp-check (vim.lsp.config): ok')
    vim.cmd('qall!')
  end
end

-- Scheduled out of the VimEnter autocommand: `:edit` inside it would not fire the FileType
-- events (autocommands do not nest) that `vim.lsp.enable` attaches on.
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function() vim.schedule(function()
    local ok, err = pcall(main)
    if not ok then
      out('FAIL: ' .. tostring(err))
      vim.cmd('cquit 1')
    end
  end) end,
})
