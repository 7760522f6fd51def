-- Nightly backup of the bank database, as an old runbook wrote it.
SET CLUSTER SETTING kv.bulk_io_write.max_rate = '64MB';

BACKUP DATABASE bank TO 's3://acme-backups/bank/2024-06-01?AUTH=implicit'
    AS OF SYSTEM TIME '-10s'
    WITH revision_history, revision_history;

BACKUP DATABASE bank INTO LATEST IN 's3://acme-backups/bank?AUTH=implicit' WITH detached;

RESTORE DATABASE bank FROM LATEST IN 's3://acme-backups/bank?AUTH=implicit'
    WITH new_db_name = 'bank_restored', skip_localities_check;
