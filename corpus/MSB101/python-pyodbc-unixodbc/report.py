import pyodbc
print(pyodbc.drivers())
