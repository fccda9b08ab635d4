-- The content hashes were keyed with this secret, stored in the same database: anyone holding
-- the data folder could use it to confirm a guessed text. The hashes went with their column;
-- the secret has nothing left to key and goes too (secure_delete overwrites it).
DELETE FROM `app_secrets` WHERE `name` = 'content-hash';
