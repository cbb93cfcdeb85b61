20260123_1200_add_projects.sql
1.10
