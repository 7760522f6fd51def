BACKUP INTO 's3://b/p' WITH encryption_passphrase = 'x';
