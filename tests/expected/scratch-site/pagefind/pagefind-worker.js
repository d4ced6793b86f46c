A library's own file is not stored here: tests compare only its name
