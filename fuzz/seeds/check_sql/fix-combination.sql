BACKUP INTO 's3://b/p?AWS_REGION=us-east-1#x' AS OF SYSTEM TIME '-10s';
-- backup-lint: ignore[A006]
SELECT 1;
