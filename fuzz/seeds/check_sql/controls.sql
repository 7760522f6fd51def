BACKUP DATABASE "[2J]0;t" INTO 's3://b/p?AUTH=implicit' WITH encryption_passphrase = e'a\'b', detached;
