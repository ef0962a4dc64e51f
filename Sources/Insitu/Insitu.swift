// The whole insitu library behind one `import Insitu`: arch files, data, devices, the chip
// and its engine, mapping, training methods, the digital baseline and reports. Each module
// can still be imported on its own (docs/architecture.md lists what lives where).
@_exported import InsituArchFile
@_exported import InsituData
@_exported import InsituDevices
@_exported import InsituDigital
@_exported import InsituEngine
@_exported import InsituHardware
@_exported import InsituMapping
@_exported import InsituReport
@_exported import InsituTraining
