Content-Length: 119

{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}Content-Length: 57

{"jsonrpc": "2.0", "method": "initialized", "params": {}}Content-Length: 222

{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///tmp/fuzz/x.sql", "languageId": "sql", "version": 1, "text": "RESTORE FROM 's3://b/backups/2023', 's3://b/backups/2024';\n"}}}Content-Length: 5

{"a":Content-Length: 205

{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///tmp/fuzz/x.sql", "version": 2}, "contentChanges": [{"text": "BACKUP INTO 'x' WITH detached, detached;"}]}}Content-Length: 244

{"jsonrpc": "2.0", "id": 2, "method": "textDocument/codeAction", "params": {"textDocument": {"uri": "file:///tmp/fuzz/x.sql"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}, "context": {"diagnostics": []}}}Content-Length: 164

{"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {"textDocument": {"uri": "file:///tmp/fuzz/x.sql"}, "position": {"line": 0, "character": 20}}}Content-Length: 176

{"jsonrpc": "2.0", "id": 4, "method": "textDocument/formatting", "params": {"textDocument": {"uri": "file:///tmp/fuzz/x.sql"}, "options": {"tabSize": 2, "insertSpaces": true}}}