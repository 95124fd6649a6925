-- Reverts 000016: users' own templates go (the built-in gallery is in the binary).
DROP TABLE IF EXISTS task_templates;
