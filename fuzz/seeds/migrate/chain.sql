BACKUP TO 's3://b/full' INCREMENTAL FROM 's3://b/2023', 's3://b/2024';
