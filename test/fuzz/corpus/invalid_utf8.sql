-- migrate:up
SELECT 'caf√©', '√(', 'Ì†Ä';
