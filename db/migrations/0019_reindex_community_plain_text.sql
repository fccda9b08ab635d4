-- The indexed plain text is now made from the parsed Markdown (src/lib/plain-text.ts), so
-- search snippets read as text: no list dashes, no "**", no space before a comma. Community
-- rows indexed before carry the old text; emptying them makes the server refill every
-- published community story with the new text at the next start (rebuildSearchIndex refills
-- when the index holds fewer community rows than are published), as 0008 did.
DELETE FROM `search_index` WHERE `kind` = 'community';
