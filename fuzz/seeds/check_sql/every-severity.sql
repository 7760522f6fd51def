-- One finding of each severity (and a fake secret that no format may print).
BACKUP DATABASE bank INTO 'external://backups' AS OF SYSTEM TIME '-10s' WITH detached, detached;
BACKUP DATABASE bank INTO 's3://acme/bank?AWS_ACCESS_KEY_ID=AKIAFAKE&AWS_SECRET_ACCESS_KEY=FAKEsecret99' AS OF SYSTEM TIME '-10s';
BACKUP DATABASE bank INTO 'external://backups';
