backup   into 's3://b/p?AUTH=implicit' with detached , revision_history;
restore table t from latest in 'gs://b/p?AUTH=implicit' with into_db = 'x';
SHOW BACKUP FROM LATEST IN $$nodelocal://1/x$$;
