0010_x.sql
10
