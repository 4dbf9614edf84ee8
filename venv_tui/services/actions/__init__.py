"""The only code that changes disk: create, delete, rebuild, pip, shell, export."""
