create table notes(t text);
