RESTORE FROM 's3://b/backups/2023', 's3://b/backups/2024';
BACKUP INTO 's3://b/p' INCREMENTAL FROM 'nodelocal://1/full', 'nodelocal://1/inc-1234';
