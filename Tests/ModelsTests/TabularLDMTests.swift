import Models
import Testing
